#!/usr/bin/env python3
"""Our speed next to the peers', measured alternately on the same work: inference against ONNX
Runtime; with --train, training (CTC + Adam, batch 32 x 32 x 256) against PyTorch; with --gemm,
SGEMM 512x512x512 on one thread against numpy's (OpenBLAS).

The machines we run on are shared and their speed drifts by 2x within an hour, so single figures
taken minutes apart cannot be compared. This alternates the two engines shape by shape for several
rounds and reports each round's ratio and the medians.

    /opt/peers/bin/python Benchmarks/side_by_side.py [--ocr .build/release/ocr] [--rounds 5]
        [--threads 2] [--arch small] [--train | --gemm]

Needs torch, onnx and onnxruntime (see ../shared/PERFORMANCE.md); the network definition comes
from ../shared/bench/peer_crnn_bench.py, so both engines run exactly the peers' architecture.
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '..', '..', 'shared', 'bench'))
import peer_crnn_bench as peer  # noqa: E402
import torch  # noqa: E402
import onnxruntime as ort  # noqa: E402

SHAPES = [(1, 32, 100), (1, 32, 800), (32, 32, 256)]


def ours(binary, arch, b, h, w, threads):
    out = subprocess.run([binary, 'bench', 'infer', '--arch', arch, '--batch', str(b), '--height', str(h),
                          '--width', str(w), '--threads', str(threads), '--repeats', '20'],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r'images_per_s=([0-9.]+)', out).group(1))


def ours_train(binary, arch, threads):
    out = subprocess.run([binary, 'bench', 'train', '--arch', arch, '--threads', str(threads), '--repeats', '5'],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r'samples_per_s=([0-9.]+)', out).group(1))


def pytorch_train_step(arch):
    """The peers' training step (peer_crnn_bench.py): batch 32 x 32 x 256, 20 labels each."""
    m = peer.make(arch).train()
    opt = torch.optim.Adam(m.parameters(), 1e-3)
    ctc = torch.nn.CTCLoss(zero_infinity=True)
    b, h, w = 32, 32, 256
    x = torch.randn(b, 1, h, w)
    tgt = torch.randint(1, peer.NCLASS, (b, 20))
    tl = torch.full((b,), 20, dtype=torch.long)

    def step():
        opt.zero_grad()
        y = m(x).log_softmax(2)
        il = torch.full((b,), y.shape[0], dtype=torch.long)
        ctc(y, tgt, il, tl).backward()
        opt.step()
    return step


def compare_training(a):
    step = pytorch_train_step(a.arch)
    ratios = []
    for r in range(a.rounds):
        theirs = 32 / peer.timeit(step, 5.0)
        mine = ours_train(a.ocr, a.arch, a.threads)
        ratios.append(mine / theirs)
        print(f"round {r + 1} {a.arch} train 32x32x256 threads={a.threads}: ocr {mine:.1f} pytorch {theirs:.1f} "
              f"samples/s, ratio {mine / theirs:.2f}", flush=True)
    print(f"median ratio ocr/pytorch {a.arch} train threads={a.threads}: {statistics.median(ratios):.2f} "
          f"(rounds: {' '.join(f'{x:.2f}' for x in ratios)})")


NUMPY_GEMM = """
import numpy as np, statistics, time
a = np.random.rand({n}, {n}).astype(np.float32); b = np.random.rand({n}, {n}).astype(np.float32)
a @ b
times = []
for _ in range(10):
    t = time.perf_counter(); a @ b; times.append(time.perf_counter() - t)
print(2 * {n} ** 3 / statistics.median(times) / 1e9)
"""


def compare_gemm(a, n=512):
    """One thread each, the median of 10 timed runs after a warm-up, as `ocr bench gemm`; numpy runs in its own process so OPENBLAS_NUM_THREADS takes effect."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1')
    ratios = []
    for r in range(a.rounds):
        theirs = float(subprocess.run([sys.executable, '-c', NUMPY_GEMM.format(n=n)], env=env, check=True,
                                      capture_output=True, text=True).stdout)
        out = subprocess.run([a.ocr, 'bench', 'gemm', '--m', str(n), '--n', str(n), '--k', str(n), '--threads', '1'],
                             check=True, capture_output=True, text=True).stdout
        mine = float(re.search(r'gflops=([0-9.]+)', out).group(1))
        ratios.append(mine / theirs)
        print(f"round {r + 1} gemm {n}^3 threads=1: ocr {mine:.1f} numpy {theirs:.1f} GFLOP/s, ratio {mine / theirs:.2f}",
              flush=True)
    print(f"median ratio ocr/numpy gemm {n}^3 threads=1: {statistics.median(ratios):.2f} "
          f"(rounds: {' '.join(f'{x:.2f}' for x in ratios)})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ocr', default=os.path.join(here, '..', '.build', 'release', 'ocr'))
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--arch', default='small')
    ap.add_argument('--train', action='store_true', help='compare training with PyTorch instead')
    ap.add_argument('--gemm', action='store_true', help='compare SGEMM 512^3, one thread, with numpy instead')
    a = ap.parse_args()
    if a.gemm:
        compare_gemm(a)
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.train:
        compare_training(a)
        return
    m = peer.make(a.arch).eval()
    path = os.path.join(tempfile.mkdtemp(), 'crnn.onnx')
    torch.onnx.export(m, torch.randn(1, 1, 32, 100), path, input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'b', 3: 'w'}, 'y': {0: 't', 1: 'b'}}, opset_version=17, dynamo=False)
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.inter_op_num_threads = 1
    session = ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
    ratios = {s: [] for s in SHAPES}
    for r in range(a.rounds):
        for (b, h, w) in SHAPES:
            x = torch.randn(b, 1, h, w).numpy()
            t = peer.timeit(lambda: session.run(None, {'x': x}), 2.0)
            theirs = b / t
            mine = ours(a.ocr, a.arch, b, h, w, a.threads)
            ratios[(b, h, w)].append(mine / theirs)
            print(f"round {r + 1} {a.arch} {b}x{h}x{w} threads={a.threads}: ocr {mine:.1f} "
                  f"onnxruntime {theirs:.1f} images/s, ratio {mine / theirs:.2f}", flush=True)
    for (b, h, w), rs in ratios.items():
        print(f"median ratio ocr/onnxruntime {a.arch} {b}x{h}x{w} threads={a.threads}: {statistics.median(rs):.2f} "
              f"(rounds: {' '.join(f'{x:.2f}' for x in rs)})")


if __name__ == '__main__':
    main()
