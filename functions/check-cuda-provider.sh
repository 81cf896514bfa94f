#!/bin/sh
# Fails when ONNX Runtime's CUDA provider under DIR cannot find a library it links, so that a GPU image that could
# not load the provider fails to build instead of failing its first request. The driver's libcuda.so.1 is the one
# library allowed to be missing: the NVIDIA container runtime mounts it from the host when the container starts.
# Usage: check-cuda-provider.sh DIR
set -eu
provider="$(find "${1:?usage: check-cuda-provider.sh DIR}" -name libonnxruntime_providers_cuda.so | head -n 1)"
if [ -z "$provider" ]; then
    echo "libonnxruntime_providers_cuda.so is not under $1: was the app published with -p:OnnxRuntimeFlavour=cuda?" >&2
    exit 1
fi
missing="$(ldd "$provider" | grep 'not found' | grep -v 'libcuda\.so\.1' || true)"
if [ -n "$missing" ]; then
    echo "ONNX Runtime's CUDA provider ($provider) cannot load; these libraries are missing:" >&2
    echo "$missing" >&2
    exit 1
fi
echo "$provider: every library it links is present (libcuda.so.1 comes from the host's driver)."
