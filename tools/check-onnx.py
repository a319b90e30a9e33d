#!/usr/bin/python3
"""Checks ONNX files with the reference ONNX checker and strict shape inference.

Usage: tools/check-onnx.py FILE_OR_DIR...   (directories are searched for *.onnx)

For each file: onnx.checker.check_model(model, full_check=True) and
onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True).
Prints one line per file (OK or FAIL with the reason); exits 0 when every file
passes, 1 when any fails, 2 when no file is given or found.

Needs Debian's python3-onnx (apt-get install -y python3-onnx), hence the
interpreter /usr/bin/python3 rather than whatever python3 comes first on PATH.
"""

import pathlib
import sys

import onnx
import onnx.checker
import onnx.shape_inference


def files(args):
    for arg in args:
        path = pathlib.Path(arg)
        if path.is_dir():
            yield from sorted(path.rglob("*.onnx"))
        else:
            yield path


def check(path):
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    opsets = ",".join(f"{o.domain or 'ai.onnx'}:{o.version}" for o in model.opset_import)
    return (
        f"ir {model.ir_version}, opset {opsets}, {len(model.graph.node)} nodes, "
        f"{len(inferred.graph.value_info)} inferred values"
    )


def main(args):
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    checked = failed = 0
    for path in files(args):
        checked += 1
        try:
            print(f"OK   {path}: {check(path)}")
        except Exception as e:  # the checker raises several types; report each the same way
            failed += 1
            reason = " ".join(str(e).split())
            print(f"FAIL {path}: {type(e).__name__}: {reason}")
    if checked == 0:
        print("no .onnx file found in " + " ".join(args), file=sys.stderr)
        return 2
    print(f"{checked} files, {failed} failed (onnx {onnx.__version__})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
