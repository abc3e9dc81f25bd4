/// HTML built in Swift where a template loop is too slow (the student list:
/// Leaf resolved ~300 expressions per page and took a third of the CPU).
/// Everything that comes from data goes through `escape`, which a test
/// checks against script in every field.
enum HTML {
    /// Escapes text for element content and double- or single-quoted attributes.
    static func escape(_ text: String) -> String {
        // Most names need nothing: look at the bytes first.
        if !text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Table rows: one `<tr>` per row, each cell escaped; the first cell links to `href`.
    static func rows(_ rows: [(href: String, cells: [String])], numericLast: Bool) -> String {
        var out = ""
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.cells.enumerated() {
                let escaped = escape(cell)
                if i == 0 {
                    out += "<td><a href=\"" + escape(row.href) + "\">" + escaped + "</a></td>"
                } else if numericLast && i == row.cells.count - 1 {
                    out += "<td class=\"num\">" + escaped + "</td>"
                } else {
                    out += "<td>" + escaped + "</td>"
                }
            }
            out += "</tr>\n"
        }
        return out
    }
}
