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
        // Appended piece by piece: joining with `+` made a string for every step of every cell.
        var out = ""
        out.reserveCapacity(rows.count * 200)
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.cells.enumerated() {
                if i == 0 {
                    out += "<td><a href=\""
                    Markup.append(row.href, escapedTo: &out)
                    out += "\">"
                    Markup.append(cell, escapedTo: &out)
                    out += "</a></td>"
                } else {
                    out += numericLast && i == row.cells.count - 1 ? "<td class=\"num\">" : "<td>"
                    Markup.append(cell, escapedTo: &out)
                    out += "</td>"
                }
            }
            out += "</tr>\n"
        }
        return out
    }
}
