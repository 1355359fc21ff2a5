"""BogoNet's summary math and failure detection, exact on hand-made records."""
import math

import numpy as np
import pytest

from tfgan_suite.bogonet import runner, summary


def rec(arch, objective, status="ok", score=None, wall=1.0):
    return {"arch_id": arch, "objective": objective, "status": status, "score": score,
            "wall_time_s": wall}


# 4 architectures x 3 objectives (A, B, C); lower score is better
RECORDS = [
    rec("a0", "A", score=10.0), rec("a0", "B", score=20.0), rec("a0", "C", score=10.0),
    rec("a1", "A", score=30.0), rec("a1", "B", "diverged"), rec("a1", "C", score=5.0),
    rec("a2", "A", "collapsed", score=1.0), rec("a2", "B", "harness_error"), rec("a2", "C", score=50.0),
    rec("a3", "A", score=7.0, wall=3.0), rec("a3", "B", score=6.0),  # C has no a3 record yet
]


def test_compare_rules():
    ok1, ok2 = rec("x", "A", score=1.0), rec("x", "B", score=2.0)
    failed = rec("x", "C", "diverged")
    assert summary.compare(ok1, ok2) == 1.0 and summary.compare(ok2, ok1) == 0.0
    assert summary.compare(ok2, failed) == 1.0 and summary.compare(failed, ok2) == 0.0
    assert summary.compare(failed, rec("x", "D", "collapsed", score=0.1)) == 0.5
    assert summary.compare(ok1, rec("x", "E", score=1.0)) == 0.5
    assert summary.compare(ok1, rec("x", "E", score=1.4), tie_tolerance=0.5) == 0.5
    assert summary.compare(ok1, rec("x", "E", score=1.6), tie_tolerance=0.5) == 1.0
    # a collapsed run loses even with a better score
    assert summary.compare(rec("x", "A", "collapsed", score=0.5), ok2) == 0.0


def test_win_matrix_exact():
    wins, counts = summary.win_matrix(RECORDS, ["A", "B", "C"])
    # B's harness error on a2 is no result: a2 does not count between B and anyone
    # A vs B: a0 A wins, a1 A wins (B diverged), a3 B wins -> 2 / 3
    # A vs C: a0 tie, a1 C wins, a2 C wins (A collapsed) -> 0.5 / 3
    # B vs C: a0 C wins, a1 C -> 0 / 2
    assert wins == [[None, 2 / 3, 0.5 / 3], [1 / 3, None, 0.0], [2.5 / 3, 1.0, None]]
    assert counts == [[0, 3, 3], [3, 0, 2], [3, 2, 0]]
    for i in range(3):
        for j in range(3):
            if i != j:
                assert wins[i][j] + wins[j][i] == pytest.approx(1.0)
    assert summary.mean_win_rates(wins) == pytest.approx(
        [(2 / 3 + 0.5 / 3) / 2, (1 / 3 + 0.0) / 2, (2.5 / 3 + 1.0) / 2])


def test_objective_stats_exact():
    stats = summary.objective_stats(RECORDS, ["A", "B", "C"])
    assert stats["A"] == {"runs": 4, "ok": 3, "failed": 1, "diverged": 0, "collapsed": 1,
                          "failure_rate": 0.25, "mean_score": (10 + 30 + 7) / 3,
                          "median_score": 10.0, "mean_wall_time_s": 1.5, "harness_errors": 0}
    assert stats["B"]["runs"] == 3 and stats["B"]["failed"] == 1 and stats["B"]["diverged"] == 1
    assert stats["B"]["harness_errors"] == 1  # counted apart, not as a failure of B
    assert stats["B"]["failure_rate"] == 1 / 3 and stats["B"]["median_score"] == 13.0
    assert stats["C"]["failure_rate"] == 0.0 and stats["C"]["median_score"] == 10.0


def test_summarize_ranking_and_tables():
    result = summary.summarize(RECORDS)
    assert result["objectives"] == ["A", "B", "C"]
    assert result["ranking"] == ["C", "A", "B"] and result["winner"] == "C"
    assert result["architectures"] == 4 and result["runs"] == 10
    assert result["harness_errors"] == [{"arch_id": "a2", "objective": "B", "error": None}]
    text = summary.format_tables(result, "fd")
    assert "| C | 3 | 3 | 0 | 0 | 0 | 0.00 | 21.67 | 10.00 | 0.92 |" in text
    assert "| B | 3 | 2 | 1 | 0 | 1 | 0.33 | 13.00 | 13.00 | 0.17 |" in text
    assert "| A | - | 0.67 | 0.17 |" in text
    sentence = summary.winner_sentence(result, "fd")
    assert sentence.startswith("C wins with a mean win rate of 0.92")
    assert "C beats A on 0.83 of 3 architectures" in sentence


def test_all_failed_objective_has_no_scores():
    result = summary.summarize([rec("a0", "A", "diverged"), rec("a0", "B", score=3.0)])
    assert result["stats"]["A"]["mean_score"] is None and result["stats"]["A"]["failure_rate"] == 1.0
    assert result["win_matrix"] == [[None, 0.0], [1.0, None]] and result["winner"] == "B"


def test_classify_order_and_thresholds():
    assert runner.classify(error="boom", diverged=True) == "harness_error"
    assert runner.classify(diverged=True, score=1.0, diversity_ratio=1.0) == "diverged"
    assert runner.classify(score=math.nan, diversity_ratio=1.0) == "diverged"
    assert runner.classify(score=math.inf, diversity_ratio=1.0) == "diverged"
    assert runner.classify(score=None, diversity_ratio=1.0) == "diverged"
    assert runner.classify(score=5.0, diversity_ratio=0.099, collapse_threshold=0.1) == "collapsed"
    assert runner.classify(score=5.0, diversity_ratio=0.1, collapse_threshold=0.1) == "ok"



def test_mean_pairwise_distance_matches_brute_force():
    x = np.random.default_rng(0).uniform(-1, 1, size=(9, 4, 4, 1))
    brute = np.mean([np.linalg.norm(x[i] - x[j]) for i in range(9) for j in range(i + 1, 9)])
    assert runner.mean_pairwise_distance(x) == pytest.approx(brute, rel=1e-10)
    assert runner.mean_pairwise_distance(x, max_images=3) == pytest.approx(np.mean(
        [np.linalg.norm(x[0] - x[1]), np.linalg.norm(x[0] - x[2]), np.linalg.norm(x[1] - x[2])]))
    # identical samples (full collapse) have zero diversity
    assert runner.mean_pairwise_distance(np.ones((5, 3, 3, 1))) == 0.0


def test_arch_table():
    text = summary.format_arch_table(RECORDS, ["A", "B", "C"], {"a0": "tiny"})
    lines = text.splitlines()
    assert lines[2] == "| a0 tiny | **10.0** | 20.0 | **10.0** |"
    assert lines[3] == "| a1 | 30.0 | diverged | **5.0** |"
    assert lines[4] == "| a2 | collapsed | harness_error | **50.0** |"
    assert lines[5] == "| a3 | 7.0 | **6.0** |  |"


def test_harness_errors_are_listed_and_old_error_records_count_as_such():
    records = [rec("a0", "A", score=1.0), {**rec("a0", "B", "error"), "error": "KeyError: 'x'"},
               {**rec("a1", "B", "harness_error"), "error": "OSError: disk full"}, rec("a1", "A", "diverged")]
    result = summary.summarize(records)
    assert result["win_matrix"] == [[None, None], [None, None]] and result["win_counts"] == [[0, 0], [0, 0]]
    assert result["stats"]["B"]["runs"] == 0 and result["stats"]["B"]["harness_errors"] == 2
    assert summary.format_harness_errors(result).splitlines()[2:] == [
        "* a0 B: KeyError: 'x'", "* a1 B: OSError: disk full"]
    assert summary.format_harness_errors(summary.summarize(records[:1])) == ""
