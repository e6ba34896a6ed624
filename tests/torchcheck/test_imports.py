"""The torch-check modules load without torch: only the worker process imports it."""

from __future__ import annotations

import subprocess
import sys


def test_torchcheck_modules_do_not_import_torch() -> None:
    code = (
        "import quizzer.core.torchcheck as tc\n"
        "import quizzer.core.torchcheck.client, quizzer.core.torchcheck.reference\n"
        "import quizzer.core.torchcheck.questions, quizzer.core.torchcheck.feedback\n"
        "import quizzer.core.torchcheck.compare, quizzer.core.torchcheck.exercise\n"
        "import quizzer.core.torchcheck.gradcheck, quizzer.core.torchcheck.worker\n"
        "from quizzer.core.qtypes import type_module\n"
        "type_module('code'); type_module('numeric')\n"
        "tc.warm_torch_worker, tc.compute_reference, tc.TorchWorker\n"
        "import sys; print('torch' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
