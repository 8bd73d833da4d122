/// A CRNN's shape: convolutional stages, then bidirectional LSTMs each followed by a Linear layer.
public struct CRNNArchitecture: Equatable, Sendable {
    /// One step of the convolutional feature extractor, in order.
    public enum Stage: Equatable, Sendable {
        case conv(outputChannels: Int, kernel: Int, padding: Int)
        case batchNorm
        case relu
        case maxPool(kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int))

        public static func == (a: Stage, b: Stage) -> Bool {
            switch (a, b) {
            case let (.conv(c1, k1, p1), .conv(c2, k2, p2)): return c1 == c2 && k1 == k2 && p1 == p2
            case (.batchNorm, .batchNorm), (.relu, .relu): return true
            case let (.maxPool(k1, s1, p1), .maxPool(k2, s2, p2)): return k1 == k2 && s1 == s2 && p1 == p2
            default: return false
            }
        }
    }

    public var name: String
    public var inputHeight: Int
    public var inputChannels: Int
    public var stages: [Stage]
    /// Hidden size per direction of each BiLSTM layer; layer i is followed by Linear(2·h_i → out_i).
    public var lstmHidden: [Int]
    /// Output size of each Linear layer; the last is the number of classes (blank included).
    public var linearOutputs: [Int]

    public var classes: Int { linearOutputs.last! }

    /// The CNN's output (channels, height, width) for an input `width` pixels wide, or nil when
    /// some stage would get an empty input.
    public func featureShape(width: Int) -> (channels: Int, height: Int, width: Int)? {
        var c = inputChannels, h = inputHeight, w = width
        for stage in stages {
            switch stage {
            case let .conv(out, k, p):
                (h, w) = (windowCount(h, kernel: k, stride: 1, padding: p), windowCount(w, kernel: k, stride: 1, padding: p))
                c = out
            case let .maxPool(k, s, p):
                (h, w) = (windowCount(h, kernel: k.0, stride: s.0, padding: p.0),
                          windowCount(w, kernel: k.1, stride: s.1, padding: p.1))
            case .batchNorm, .relu:
                break
            }
            if h < 1 || w < 1 { return nil }
        }
        return (c, h, w)
    }

    /// The narrowest input this architecture accepts.
    public var minimumWidth: Int {
        (1...4096).first { featureShape(width: $0) != nil } ?? 4096
    }

    /// conv3x3 16-32-64-64-128-128 each + BN + ReLU; pools 2x2, 2x2, (2,1), (2,1); 2 x (BiLSTM(128) + Linear).
    public static func small(classes: Int = 96, height: Int = 32) -> CRNNArchitecture {
        let channels = [16, 32, 64, 64, 128, 128]
        var stages = [Stage]()
        for (i, c) in channels.enumerated() {
            stages += [.conv(outputChannels: c, kernel: 3, padding: 1), .batchNorm, .relu]
            if i == 0 || i == 1 { stages.append(.maxPool(kernel: (2, 2), stride: (2, 2), padding: (0, 0))) }
            if i == 3 || i == 5 { stages.append(.maxPool(kernel: (2, 1), stride: (2, 1), padding: (0, 0))) }
        }
        return CRNNArchitecture(name: "small", inputHeight: height, inputChannels: 1, stages: stages,
                                lstmHidden: [128, 128], linearOutputs: [128, classes])
    }

    /// Shi, Bai and Yao (2015) as in crnn.pytorch: conv 64-128-256-256-512-512-512, BN on conv 3, 5, 7,
    /// pools 2x2, 2x2, (2,2)/(2,1)/(0,1) twice, last conv 2x2 valid; 2 x (BiLSTM(256) + Linear).
    public static func paper(classes: Int = 96, height: Int = 32) -> CRNNArchitecture {
        let channels = [64, 128, 256, 256, 512, 512, 512], norm = [false, false, true, false, true, false, true]
        var stages = [Stage]()
        for (i, c) in channels.enumerated() {
            stages.append(i == 6 ? .conv(outputChannels: c, kernel: 2, padding: 0) : .conv(outputChannels: c, kernel: 3, padding: 1))
            if norm[i] { stages.append(.batchNorm) }
            stages.append(.relu)
            if i == 0 || i == 1 { stages.append(.maxPool(kernel: (2, 2), stride: (2, 2), padding: (0, 0))) }
            if i == 3 || i == 5 { stages.append(.maxPool(kernel: (2, 2), stride: (2, 1), padding: (0, 1))) }
        }
        return CRNNArchitecture(name: "paper", inputHeight: height, inputChannels: 1, stages: stages,
                                lstmHidden: [256, 256], linearOutputs: [256, classes])
    }

    /// A preset by name ("small" or "paper").
    public static func preset(_ name: String, classes: Int = 96, height: Int = 32) -> CRNNArchitecture? {
        switch name {
        case "small": return small(classes: classes, height: height)
        case "paper": return paper(classes: classes, height: height)
        default: return nil
        }
    }
}

/// How many positions a window of `kernel` takes along an axis of `size` (padded by `padding` on
/// each side) with `stride`: floor((size + 2·padding − kernel) / stride) + 1, or 0 if it does not fit.
@inlinable
public func windowCount(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int {
    let span = size + 2 * padding - kernel
    return span < 0 ? 0 : span / stride + 1
}

extension CRNNArchitecture {
    /// A compact text form, in the spirit of Tesseract's VGSL: space-separated stages,
    /// `H32` input height, `C16k3p1` conv (16 outputs, 3x3 kernel, padding 1), `B` BatchNorm,
    /// `R` ReLU, `M2x2` / `M2x2s2x1p0x1` max pool (kernel, then optional stride and padding),
    /// `L128` BiLSTM (hidden per direction), `F128` Linear. The last Linear is the classifier.
    ///
    ///     H32 C16k3p1 B R M2x2 C32k3p1 B R M2x2 L128 F96
    public var spec: String {
        var parts = ["H\(inputHeight)"]
        if inputChannels != 1 { parts.append("I\(inputChannels)") }
        for stage in stages {
            switch stage {
            case let .conv(c, k, p): parts.append("C\(c)k\(k)p\(p)")
            case .batchNorm: parts.append("B")
            case .relu: parts.append("R")
            case let .maxPool(k, s, p):
                var token = "M\(k.0)x\(k.1)"
                if s != k || p != (0, 0) { token += "s\(s.0)x\(s.1)" }
                if p != (0, 0) { token += "p\(p.0)x\(p.1)" }
                parts.append(token)
            }
        }
        for (h, o) in zip(lstmHidden, linearOutputs) { parts += ["L\(h)", "F\(o)"] }
        return parts.joined(separator: " ")
    }

    /// Parses ``spec``; `classes`, when given, replaces the last Linear's size.
    public init(spec: String, name: String = "custom", classes: Int? = nil) throws(ArchitectureError) {
        var height = 32, channels = 1
        var stages = [Stage](), hidden = [Int](), outputs = [Int]()
        func numbers(_ text: Substring, _ token: String) throws(ArchitectureError) -> [Int] {
            let values = text.split(separator: "x").map { Int($0) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 0 }) else {
                throw ArchitectureError("bad number in '\(token)'")
            }
            return values.map { $0! }
        }
        for token in spec.split(separator: " ").map(String.init) {
            guard let kind = token.first else { continue }
            let rest = token.dropFirst()
            switch kind {
            case "H": height = try numbers(rest, token)[0]
            case "I": channels = try numbers(rest, token)[0]
            case "B": stages.append(.batchNorm)
            case "R": stages.append(.relu)
            case "C":
                let fields = rest.split(whereSeparator: { $0 == "k" || $0 == "p" })
                guard fields.count == 3, rest.contains("k"), rest.contains("p"),
                      let c = Int(fields[0]), let k = Int(fields[1]), let p = Int(fields[2]), c > 0, k > 0, p >= 0 else {
                    throw ArchitectureError("conv '\(token)' must look like C16k3p1")
                }
                stages.append(.conv(outputChannels: c, kernel: k, padding: p))
            case "M":
                var kernelText = rest, strideText: Substring?, paddingText: Substring?
                if let p = rest.firstIndex(of: "p") {
                    paddingText = rest[rest.index(after: p)...]
                    kernelText = rest[..<p]
                }
                if let s = kernelText.firstIndex(of: "s") {
                    strideText = kernelText[kernelText.index(after: s)...]
                    kernelText = kernelText[..<s]
                }
                let k = try numbers(kernelText, token)
                let s = try strideText.map { (t) throws(ArchitectureError) in try numbers(t, token) } ?? k
                let p = try paddingText.map { (t) throws(ArchitectureError) in try numbers(t, token) } ?? [0, 0]
                guard k.count == 2, s.count == 2, p.count == 2, k[0] > 0, k[1] > 0, s[0] > 0, s[1] > 0,
                      p[0] * 2 <= k[0], p[1] * 2 <= k[1] else {
                    throw ArchitectureError("max pool '\(token)' must look like M2x2 or M2x2s2x1p0x1 (padding at most half the kernel)")
                }
                stages.append(.maxPool(kernel: (k[0], k[1]), stride: (s[0], s[1]), padding: (p[0], p[1])))
            case "L":
                guard let h = Int(rest), h > 0 else { throw ArchitectureError("LSTM '\(token)' must look like L128") }
                hidden.append(h)
            case "F":
                guard let o = Int(rest), o >= 0 else { throw ArchitectureError("Linear '\(token)' must look like F96") }
                outputs.append(o)
            default:
                throw ArchitectureError("unknown stage '\(token)'")
            }
        }
        guard !hidden.isEmpty, hidden.count == outputs.count else {
            throw ArchitectureError("the recurrent part must be pairs 'L<hidden> F<outputs>', at least one")
        }
        guard stages.contains(where: { if case .conv = $0 { return true } else { return false } }) else {
            throw ArchitectureError("at least one convolution is needed")
        }
        if let classes { outputs[outputs.count - 1] = classes }
        guard outputs.allSatisfy({ $0 > 0 }) else {
            throw ArchitectureError("every Linear needs outputs (F0 is only allowed last, where the charset sets it)")
        }
        self.init(name: name, inputHeight: height, inputChannels: channels, stages: stages,
                  lstmHidden: hidden, linearOutputs: outputs)
        guard featureShape(width: 4096) != nil else {
            throw ArchitectureError("the convolutional stages reduce height \(height) to nothing")
        }
    }
}

/// A problem with an architecture spec.
public struct ArchitectureError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
