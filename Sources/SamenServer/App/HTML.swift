import SamenCore

/// HTML built in Swift where a template loop is too slow (the student list:
/// Leaf resolved ~300 expressions per page and took a third of the CPU).
/// Everything that comes from data goes through `escape`, which a test
/// checks against script in every field.
enum HTML {
    /// Escapes text for element content and double- or single-quoted attributes.
    static func escape(_ text: String) -> String { Markup.escape(text) }

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
