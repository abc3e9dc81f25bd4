import Foundation
import SamenCore
import Testing

@Suite("Stored answers read back quickly")
struct AnswersJSONTests {
    @Test("Stored answers read back as JSONDecoder reads them, escapes and all; any other shape goes to JSONDecoder")
    func answersJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let samples = [
            QuestionnaireAnswers(),
            QuestionnaireAnswers(values: ["i1": 3, "i2": 5, "sig1@desired": 4, "tier1": 0], choices: ["model": "network"],
                                 texts: ["why": "Omdat \"we\" samen\nwerken \\ 👩‍🏫 é\t/ \u{1}"]),
            QuestionnaireAnswers(values: ["x": 2.5, "y": -1, "z": 1e-7], choices: [:], texts: [:]),
        ]
        for answers in samples {
            let json = String(decoding: try encoder.encode(answers), as: UTF8.self)
            #expect(try QuestionnaireAnswers.decode(json: json) == answers)
        }
        // Another key order and whitespace: read by JSONDecoder, with the same result.
        #expect(try QuestionnaireAnswers.decode(json: #"{ "values": {"a": 1}, "texts": {}, "choices": {"b": "c"} }"#)
                == QuestionnaireAnswers(values: ["a": 1], choices: ["b": "c"]))
        #expect(try QuestionnaireAnswers.decode(json: #"{"choices":{},"texts":{"t":"\ud83d\ude00"},"values":{}}"#).texts["t"] == "😀")
        #expect(throws: (any Error).self) { try QuestionnaireAnswers.decode(json: #"{"values":{}}"#) }
        #expect(throws: (any Error).self) { try QuestionnaireAnswers.decode(json: "not json") }
    }
}
