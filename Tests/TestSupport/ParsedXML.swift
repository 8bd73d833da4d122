import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An XML document parsed into elements, for tests that check the structure of what we write.
public final class ParsedXML: @unchecked Sendable {
    public let name: String
    public let attributes: [String: String]
    public var children = [ParsedXML]()
    public var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This element and all below it, in document order.
    public var all: [ParsedXML] { [self] + children.flatMap(\.all) }

    /// The elements named `name` (without prefix) at or below this one, in document order.
    public func elements(_ name: String) -> [ParsedXML] { all.filter { $0.name == name } }

    /// The parsed document's root, or nil when the text is not well-formed XML.
    public static func parse(_ text: String) -> ParsedXML? {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        return parser.parse() ? builder.root : nil
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: ParsedXML?
        var stack = [ParsedXML]()

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let element = ParsedXML(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    }
}
