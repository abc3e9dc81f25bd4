import Foundation

/// The demo's evaluation line: answers to the shipped scans, generated so that the school types' means lie near the
/// seeds' tables (DOMAIN.md §7) at the baseline, a little higher at the follow-up, with people who keep their
/// outlook between the two (so pairs correlate) and items that hang together (flexibility less so, as in the seeds,
/// where its alpha was .53).
public enum DemoEvaluation {
    public enum Phase: Sendable { case baseline, followUp }

    /// Baseline means of the collaboration scan per school type: SO, PO and VO from the seeds; collective ownership,
    /// VSO and MBO (not in the seeds' tables) in their line.
    static let collaboration: [SchoolType: [String: Double]] = [
        .so: ["interdependence": 3.82, "new_activities": 3.44, "flexibility": 3.76, "ownership": 3.62, "reflection": 3.45],
        .po: ["interdependence": 3.95, "new_activities": 3.69, "flexibility": 3.88, "ownership": 3.74, "reflection": 3.65],
        .vo: ["interdependence": 3.63, "new_activities": 3.45, "flexibility": 3.83, "ownership": 3.46, "reflection": 3.34],
        .vso: ["interdependence": 3.78, "new_activities": 3.40, "flexibility": 3.72, "ownership": 3.58, "reflection": 3.42],
        .mbo: ["interdependence": 3.60, "new_activities": 3.38, "flexibility": 3.80, "ownership": 3.44, "reflection": 3.30],
    ]

    /// Competence desired and actual per school type (the seeds: SO 4.65/3.76, PO 4.47/3.62, VO 4.32/3.33).
    static let competence: [SchoolType: (desired: Double, actual: Double)] = [
        .so: (4.65, 3.76), .po: (4.47, 3.62), .vo: (4.32, 3.33), .vso: (4.58, 3.70), .mbo: (4.30, 3.35),
    ]

    /// How much a follow-up lies above the baseline, per school type (the programme ran most in primary schools).
    static let gain: [SchoolType: Double] = [.so: 0.12, .po: 0.22, .vo: 0.16, .vso: 0.10, .mbo: 0.08]

    /// The mean an item should have on the answer scale: the baseline (or follow-up) target for its scale and aspect.
    static func target(_ q: Questionnaire, scale: String, aspect: String?, type: SchoolType, phase: Phase) -> Double {
        let base: Double
        if q.code == EvaluationInstruments.competenceScan.code {
            let c = competence[type] ?? (4.4, 3.5)
            base = aspect == "desired" ? c.desired : c.actual
        } else if q.code == EvaluationInstruments.collaborationScan.code {
            base = collaboration[type]?[scale] ?? 3.6
        } else {
            base = 3.5
        }
        // The follow-up moves what is done (actual), not what is wanted.
        let moves = aspect != "desired"
        return min(base + (phase == .followUp && moves ? gain[type] ?? 0.1 : 0), Double(q.answerScale.maximum) - 0.1)
    }

    /// The expected answer when a normal outlook N(mu, sd) is rounded and kept on the scale.
    static func expectedAnswer(mu: Double, sd: Double, low: Int, high: Int) -> Double {
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-(x - mu) / (sd * 2.0.squareRoot())) }
        var sum = 0.0
        for v in low...high {
            let lo = v == low ? 0 : cdf(Double(v) - 0.5), hi = v == high ? 1 : cdf(Double(v) + 0.5)
            sum += Double(v) * (hi - lo)
        }
        return sum
    }

    /// The latent mean that gives `target` as the expected answer (bisection: rounding and the scale's ends pull means inwards).
    static func calibrated(_ target: Double, sd: Double, low: Int, high: Int) -> Double {
        var a = Double(low) - 2, b = Double(high) + 2
        for _ in 0..<50 {
            let m = (a + b) / 2
            if expectedAnswer(mu: m, sd: sd, low: low, high: high) < target { a = m } else { b = m }
        }
        return (a + b) / 2
    }

    static func normal(_ rng: inout SeededGenerator) -> Double {
        let u1 = max(Double.random(in: 0..<1, using: &rng), 1e-12), u2 = Double.random(in: 0..<1, using: &rng)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    static let general = 0.18, perScale = 0.24

    /// A person's outlook, the same in every wave: one general offset and one per scale.
    static func outlook(person: UUID, scales: [String]) -> [String: Double] {
        var seed: UInt64 = 1469598103934665603
        for byte in withUnsafeBytes(of: person.uuid, Array.init) { seed = (seed ^ UInt64(byte)) &* 1099511628211 }
        var rng = SeededGenerator(seed: seed)
        let common = general * normal(&rng)
        var result: [String: Double] = [:]
        for s in scales { result[s] = common + perScale * normal(&rng) }
        return result
    }

    /// The outlooks of a wave's respondents, centred per school type and scale, so that each type's mean lies on its
    /// target rather than wherever a small sample falls (the demo is to show the seeds' picture, not sampling error).
    public static func outlooks(_ people: [(person: UUID, type: SchoolType)], questionnaire q: Questionnaire) -> [UUID: [String: Double]] {
        let scales = q.scales.map(\.code)
        var result = Dictionary(uniqueKeysWithValues: people.map { ($0.person, outlook(person: $0.person, scales: scales)) })
        for type in Set(people.map(\.type)) {
            let members = people.filter { $0.type == type }.map(\.person)
            for scale in scales {
                let mean = members.reduce(0.0) { $0 + (result[$1]?[scale] ?? 0) } / Double(members.count)
                for m in members { result[m]?[scale]? -= mean }
            }
        }
        return result
    }

    /// One person's complete answers to a scaled questionnaire (with aspects, each), a choice drawn from the national
    /// shares for the collaboration model, fidelity points mostly in place. Reverse items are stored as answered.
    /// `outlook` is the person's offset per scale (from `outlooks`).
    public static func answers(_ q: Questionnaire, outlook: [String: Double], type: SchoolType, phase: Phase, rng: inout SeededGenerator) -> QuestionnaireAnswers {
        let low = q.answerScale.minimum, high = q.answerScale.maximum
        var answers = QuestionnaireAnswers()
        for item in q.items {
            switch item.kind {
            case .scaled:
                guard let scale = item.scale else { continue }
                // Flexibility's items hang together less (the seeds' alpha .53).
                let noise = scale == "flexibility" ? 0.5 : 0.22
                for (i, key) in q.answerKeys(of: item).enumerated() {
                    let aspect = q.aspects.map { $0[i].code }
                    // What people want varies less between them than what they do (and lies near the top).
                    let spread = aspect == "desired" ? 0.7 : 1
                    let personal = spread * (outlook[scale] ?? 0)
                    let sd = ((general * general + perScale * perScale) * spread * spread + noise * noise).squareRoot()
                    let mu = calibrated(target(q, scale: scale, aspect: aspect, type: type, phase: phase), sd: sd, low: low, high: high)
                    let drift = phase == .followUp ? 0.1 * normal(&rng) : 0
                    let value = Int((mu + personal + drift + noise * normal(&rng)).rounded())
                    let answer = min(max(value, low), high)
                    answers.values[key] = Double(item.reverse ? low + high - answer : answer)
                }
            case .choice:
                let shares = EvaluationInstruments.nationalModelShares
                var pick = Double.random(in: 0..<100, using: &rng)
                var chosen = item.choices?.first?.code
                for share in shares where item.choices?.contains(where: { $0.code == share.code }) == true {
                    if pick < share.percent { chosen = share.code; break }
                    pick -= share.percent
                }
                answers.choices[item.code] = chosen
            case .fidelity:
                let r = Double.random(in: 0..<1, using: &rng)
                answers.values[item.code] = r < 0.15 ? 0 : r < 0.5 ? 1 : 2
            case .text:
                continue
            }
        }
        return answers
    }
}
