import NeuralEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum BenchCommand: Command {
    static let name = "bench"
    static let abstract = "Measure the engine's speed (GEMM, inference, training)."
    static let help = """
        OVERVIEW: Measure the engine's speed. Prints one line per measurement, key=value pairs with
        the figure last. Each figure is the median of --repeats timed runs after a warm-up.

        USAGE: ocr bench gemm [--m M] [--n N] [--k K] [--threads N] [--repeats R]

        ARGUMENTS:
          gemm                    C = A x B on random matrices; prints gflops.

        OPTIONS:
          --m, --n, --k <int>     Matrix sizes (default 512 each).
          --threads <int>         Threads (default: the number of cores).
          --repeats <int>         Timed runs (default 10).
          -h, --help              Show this help.
        """

    static func run(_ args: [String]) throws -> Int32 {
        let parsed = try Arguments(args, valued: ["--m", "--n", "--k", "--threads", "--repeats"], switches: [])
        guard let what = parsed.positionals.first, parsed.positionals.count == 1 else {
            throw UsageError("say what to measure: gemm")
        }
        let threads = try parsed.int("--threads", default: Parallelism.threads, range: 1...256)
        let repeats = try parsed.int("--repeats", default: 10, range: 1...100_000)
        Parallelism.threads = threads
        switch what {
        case "gemm":
            let m = try parsed.int("--m", default: 512), n = try parsed.int("--n", default: 512)
            let k = try parsed.int("--k", default: 512)
            benchGEMM(m: m, n: n, k: k, threads: threads, repeats: repeats)
        default:
            throw UsageError("unknown benchmark '\(what)' (choose gemm)")
        }
        return 0
    }

    static func benchGEMM(m: Int, n: Int, k: Int, threads: Int, repeats: Int) {
        var rng = SplitMix64(seed: 1)
        let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
        let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        let seconds = medianSeconds(repeats: repeats) {
            sgemm(m: m, n: n, k: k, a, lda: k, b, ldb: n, &c, ldc: n, threads: threads)
        }
        let gflops = 2.0 * Double(m) * Double(n) * Double(k) / seconds / 1e9
        print("bench gemm m=\(m) n=\(n) k=\(k) threads=\(threads) kernel=\(sgemmKernelName) gflops=\(format(gflops))")
    }

    /// The median wall time of `repeats` runs of `body`, after one untimed warm-up run.
    static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        body()
        var times = [Double]()
        for _ in 0..<repeats {
            let start = monotonicSeconds()
            body()
            times.append(monotonicSeconds() - start)
        }
        times.sort()
        return times[times.count / 2]
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return String(rounded)
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
