import Foundation
import Imaging
import NeuralEngine
import OCR
import Platform

enum BenchCommand: Command {
    static let name = "bench"
    static let abstract = "Measure the engine's speed (GEMM, inference, training, page layout, pages)."
    static let options: [Option] = [
        Option(["--m", "--n", "--k"], value: "<int>", help: "Matrix sizes (default 512 each)."),
        Option("--arch", value: "<name>", help: "Network preset: small or paper (default small). Weights are random."),
        Option("--batch", value: "<int>", help: "Images per batch (default 32)."),
        Option(["--height", "--width"], value: "<int>", help: "Image size (default 32 x 256)."),
        Option("--threads", value: "<int>", help: "Threads (default: the number of cores)."),
        Option("--conv", value: "<name>", help: "3x3 convolutions: winograd (default) or im2col."),
        Option("--repeats", value: "<int>", help: "Timed runs (default 10)."),
        Option("--model", value: "<model>", help: "page: the model (default: the shipped model)."),
    ]
    static let help = """
        OVERVIEW: Measure the engine's speed. Prints one line per measurement, key=value pairs with
        the figure last. Each figure is the median of --repeats timed runs after a warm-up.

        USAGE: ocr bench gemm [--m M] [--n N] [--k K] [--threads N] [--repeats R]
               ocr bench infer|train [--arch small|paper] [--batch B] [--height H] [--width W] [--threads N]
                                     [--conv winograd|im2col]
               ocr bench layout|page [--threads N] [--model M] IMAGE

        ARGUMENTS:
          gemm                    C = A x B on random matrices; prints gflops.
          infer                   A forward pass of the CRNN on random images; prints images_per_s.
          train                   Forward, CTC loss (20 random labels per image), backward and an
                                  Adam step; prints samples_per_s.
          layout IMAGE            The page layout of a decoded image (binarization, non-text,
                                  skew, blocks, lines); prints ms_per_page.
          page IMAGE              Reading a decoded page with the model, layout included;
                                  prints pages_per_s.

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let parsed = try Arguments(args, options: options)
        guard let what = parsed.positionals.first,
              parsed.positionals.count == (["layout", "page"].contains(what) ? 2 : 1) else {
            throw UsageError("say what to measure: gemm, infer, train, or layout or page and an image")
        }
        let threads = try parsed.int("--threads", default: Parallelism.threads, range: 1...256)
        let repeats = try parsed.int("--repeats", default: 10, range: 1...100_000)
        Parallelism.threads = threads
        switch what {
        case "gemm":
            let m = try parsed.int("--m", default: 512), n = try parsed.int("--n", default: 512)
            let k = try parsed.int("--k", default: 512)
            benchGEMM(m: m, n: n, k: k, threads: threads, repeats: repeats)
        case "infer", "train":
            let name = parsed.string("--arch") ?? "small"
            let height = try parsed.int("--height", default: 32)
            guard let architecture = CRNNArchitecture.preset(name, height: height) else {
                throw UsageError("unknown --arch '\(name)' (choose small or paper)")
            }
            let batch = try parsed.int("--batch", default: 32), width = try parsed.int("--width", default: 256)
            guard architecture.featureShape(width: 4096) != nil else {
                throw UsageError("--height \(height) is too small for the '\(name)' network")
            }
            guard architecture.featureShape(width: width) != nil else {
                throw UsageError("--width \(width) is too small for '\(name)' (minimum \(architecture.minimumWidth))")
            }
            let network = CRNN(architecture, seed: 1)
            switch parsed.string("--conv") ?? "winograd" {
            case "winograd": network.allowsWinograd = true
            case "im2col": network.allowsWinograd = false
            case let other: throw UsageError("unknown --conv '\(other)' (choose winograd or im2col)")
            }
            if what == "infer" {
                benchInfer(network, batch: batch, height: height, width: width, threads: threads, repeats: repeats)
            } else {
                benchTrain(network, batch: batch, height: height, width: width, threads: threads, repeats: repeats)
            }
        case "layout", "page":
            let path = parsed.positionals[1]
            let image = try ImageDecoder().decodeGray(contentsOf: path)
            let size = "width=\(image.width) height=\(image.height) threads=\(threads)"
            if what == "layout" {
                let seconds = medianSeconds(repeats: repeats) { _ = PageLayout().layout(of: image) }
                print("bench layout \(size) ms_per_page=\(format(seconds * 1000))")
            } else {
                let recognizer = try Recognizer(modelPath: ModelLocation.model(named: parsed.string("--model")))
                let seconds = medianSeconds(repeats: repeats) { _ = try? recognizer.recognize(image) }
                print("bench page \(size) pages_per_s=\(format(1 / seconds))")
            }
        default:
            throw UsageError("unknown benchmark '\(what)' (choose gemm, infer, train, layout or page)")
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

    static func benchInfer(_ network: CRNN, batch: Int, height: Int, width: Int, threads: Int, repeats: Int) {
        var rng = SplitMix64(seed: 2)
        let images = (0..<(batch * height * width)).map { _ in rng.nextGaussian() }
        let seconds = medianSeconds(repeats: repeats) {
            _ = network.forward(images, batch: batch, width: width, training: false)
        }
        print("bench infer arch=\(network.architecture.name) batch=\(batch) height=\(height) width=\(width) "
              + "threads=\(threads) conv=\(network.allowsWinograd ? "winograd" : "im2col") images_per_s=\(format(Double(batch) / seconds))")
    }

    static func benchTrain(_ network: CRNN, batch: Int, height: Int, width: Int, threads: Int, repeats: Int) {
        var rng = SplitMix64(seed: 3)
        let images = (0..<(batch * height * width)).map { _ in rng.nextGaussian() }
        let classes = network.architecture.classes
        let targets = (0..<batch).map { _ in (0..<20).map { _ in 1 + Int(rng.next() % UInt64(classes - 1)) } }
        let adam = Adam(parameters: network.parameters)
        let seconds = medianSeconds(repeats: repeats) {
            adam.zeroGradients()
            let (logits, steps, lengths) = network.forward(images, batch: batch, width: width, training: true)
            let ctc = CTCLoss.compute(logits: logits, timeSteps: steps, batch: batch, classes: classes,
                                      inputLengths: lengths, targets: targets,
                                      scales: [Float](repeating: 1 / Float(batch), count: batch))
            network.backward(ctc.gradient)
            adam.update()
        }
        print("bench train arch=\(network.architecture.name) batch=\(batch) height=\(height) width=\(width) "
              + "threads=\(threads) conv=\(network.allowsWinograd ? "winograd" : "im2col") samples_per_s=\(format(Double(batch) / seconds))")
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
