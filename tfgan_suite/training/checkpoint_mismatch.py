"""Why a checkpoint does not fit the model built now: a variable reshaped, added or removed.

A checkpoint written by other code or flags (another width, an extra layer, EMA turned on) fails to
restore with a TensorFlow message that names neither side clearly (and a failed restore leaves
TensorFlow logging warnings when it is freed). :func:`describe` reads only the checkpoint's object
graph (``_CHECKPOINTABLE_OBJECT_GRAPH``) and variable shapes, before any restore, and walks it beside
the Python objects (``tf.train.TrackableView``) by the names under which they are tracked. Two things
are a mismatch: a variable whose shape differs, and a variable of the model that the checkpoint lacks.
The reverse (a checkpoint value with no Python object yet) is not: layers and optimizer slots that are
not built yet receive their values when they are created (TensorFlow's deferred restoration).
"""
import keras
import tensorflow as tf
from tensorflow.core.protobuf import trackable_object_graph_pb2

_VARIABLE = "VARIABLE_VALUE"


def _shape(shape):
    return "(" + ", ".join(str(int(d)) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _label(path, obj, tops):
    """``generator/dense/kernel``: a Keras variable's own path when it starts with a top-level name
    (``tops``), else that path under the top-level object it was reached from; else the tracking path."""
    own = getattr(obj, "path", None)
    if not isinstance(own, str) or not own:
        return path
    return own if own.split("/")[0] in tops else f"{path.split('/')[0]}/{own}"


def _is_variable(obj):
    return isinstance(obj, (tf.Variable, keras.Variable))


def _has_variables(obj, view, seen=None):
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return False
    seen.add(id(obj))
    return _is_variable(obj) or any(_has_variables(c, view, seen) for c in view.children(obj).values())


def differences(path, checkpoint):
    """The differences between the checkpoint at ``path`` and ``checkpoint``'s objects, as sentences
    (``[]`` when the structures and shapes agree or the file cannot be read)."""
    try:
        reader = tf.train.load_checkpoint(path)
        shapes = reader.get_variable_to_shape_map()
        graph = trackable_object_graph_pb2.TrackableObjectGraph()
        graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    except Exception:  # pylint: disable=broad-except  (unreadable: not a mismatch, a damaged file)
        return []
    view = tf.train.TrackableView(checkpoint)
    tops = view.children(checkpoint)
    found, visited = [], set()

    def report(text, label):  # the model's own variables first, optimizer slots after
        found.append((isinstance(tops.get(label.split("/")[0]), keras.optimizers.Optimizer), text))

    def walk(node_id, obj, where, in_optimizer):
        if (node_id, id(obj)) in visited:
            return
        visited.add((node_id, id(obj)))
        node = graph.nodes[node_id]
        stored = next((a.checkpoint_key for a in node.attributes if a.name == _VARIABLE), None)
        if stored is not None and _is_variable(obj):
            if tuple(shapes.get(stored, ())) != tuple(obj.shape):
                label = _label(where, obj, tops)
                report(f"variable '{label}' has shape {_shape(shapes.get(stored, ()))} in the checkpoint, "
                       f"{_shape(obj.shape)} in the model", label)
            return
        children = view.children(obj)
        in_optimizer = in_optimizer or isinstance(obj, keras.optimizers.Optimizer)
        names = set()
        for child in node.children:
            names.add(child.local_name)
            inner = f"{where}/{child.local_name}" if where else child.local_name
            if child.local_name in children:
                walk(child.node_id, children[child.local_name], inner, in_optimizer)
        for name, child in children.items():
            inner = f"{where}/{name}" if where else name
            if name not in names and not in_optimizer and _has_variables(child, view):
                label = _label(inner, child, tops)
                report(f"'{label}' is in the model but not in the checkpoint", label)

    walk(0, checkpoint, "", False)
    return [text for _, text in sorted(found, key=lambda item: item[0])]


def describe(path, checkpoint):
    """One line, ``"checkpoint P does not match the model: ..."``, or ``None`` when nothing differs."""
    found = differences(path, checkpoint)
    if not found:
        return None
    more = f" (and {len(found) - 1} more difference{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    return f"checkpoint {path} does not match the model: {found[0]}{more}"

