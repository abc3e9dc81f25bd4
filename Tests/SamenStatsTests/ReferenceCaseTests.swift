@testable import SamenStats
import Testing

/// Every case of shared/reference/stats-cases.json: statistics to 1e-12
/// relative, p-values to 1e-10 relative (1e-15 absolute), studentized-range
/// p-values to 1e-7 (they are SciPy's float64, not 50-digit values).
@Suite("Reference cases")
struct ReferenceCaseTests {
    let p = 1e-10

    func samples(_ c: [String: Any]) throws -> [Sample] {
        try Reference.groups(c).map { Sample(label: $0.0, values: $0.1) }
    }

    @Test("One-way ANOVA")
    func anova() throws {
        let cases = try Reference.cases("anova_oneway")
        #expect(!cases.isEmpty)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let a = try OneWayANOVA(samples(c))
            expectClose(a.grandMean, e["grand_mean"], "\(id) grand mean")
            expectClose(a.ssBetween, e["ss_between"], "\(id) SSB")
            expectClose(a.ssWithin, e["ss_within"], "\(id) SSW")
            expectClose(a.ssTotal, e["ss_total"], "\(id) SST")
            expectClose(Double(a.dfBetween), e["df_between"], "\(id) df1")
            expectClose(Double(a.dfWithin), e["df_within"], "\(id) df2")
            expectClose(a.msBetween, e["ms_between"], "\(id) MSB")
            expectClose(a.msWithin, e["ms_within"], "\(id) MSW")
            expectClose(a.f, e["F"], "\(id) F")
            expectClose(a.p, e["p_value"], p, "\(id) p")
            expectClose(a.etaSquared, e["eta_squared"], "\(id) eta2")
            expectClose(a.omegaSquared, e["omega_squared"], "\(id) omega2")
            expectClose(a.epsilonSquared, e["epsilon_squared"], "\(id) epsilon2")
            expectClose(a.cohensF, e["cohens_f"], "\(id) f")
            expectClose(a.msWithin.squareRoot(), e["residual_sd"], "\(id) residual sd")
        }
    }

    @Test("Welch's ANOVA")
    func welch() throws {
        for c in try Reference.cases("welch_anova") {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let w = try WelchANOVA(samples(c))
            expectClose(w.f, e["F"], "\(id) F")
            expectClose(w.df1, e["df1"], "\(id) df1")
            expectClose(w.df2, e["df2"], "\(id) df2")
            expectClose(w.p, e["p_value"], p, "\(id) p")
            expectClose(w.weightedGrandMean, e["weighted_grand_mean"], "\(id) weighted mean")
            for (value, expected) in zip(w.weights, e["weights"] as! [Double]) { expectClose(value, expected, "\(id) weight") }
        }
    }

    @Test("Levene (mean) and Brown–Forsythe (median)")
    func levene() throws {
        let cases = try Reference.cases("levene")
        #expect(cases.count >= 3)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let center: LeveneTest.Center = e["center"] as! String == "median" ? .median : .mean
            let l = try LeveneTest(samples(c), center: center)
            expectClose(l.w, e["W"], "\(id) W")
            expectClose(Double(l.df1), e["df1"], "\(id) df1")
            expectClose(Double(l.df2), e["df2"], "\(id) df2")
            expectClose(l.p, e["p_value"], p, "\(id) p")
        }
    }

    @Test("Kruskal–Wallis with tie correction")
    func kruskal() throws {
        let cases = try Reference.cases("kruskal_wallis")
        #expect(cases.count >= 2)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let k = try KruskalWallis(samples(c))
            expectClose(k.h, e["H"], "\(id) H")
            expectClose(k.hUncorrected, e["H_uncorrected"], "\(id) H uncorrected")
            expectClose(k.tieCorrection, e["tie_correction"], "\(id) C")
            expectClose(Double(k.df), e["df"], "\(id) df")
            expectClose(k.p, e["p_value"], p, "\(id) p")
            expectClose(k.epsilonSquared, e["epsilon_squared"], "\(id) epsilon2")
            expectClose(k.etaSquared, e["eta_squared_H"], "\(id) eta2")
            for (value, expected) in zip(k.rankSums, e["rank_sums"] as! [Double]) { expectClose(value, expected, "\(id) rank sum") }
            for (value, expected) in zip(k.meanRanks, e["mean_ranks"] as! [Double]) { expectClose(value, expected, "\(id) mean rank") }
        }
    }

    @Test("Post-hoc: Tukey HSD, Games–Howell, Bonferroni (pooled and Welch), Holm")
    func posthoc() throws {
        for c in try Reference.cases("posthoc_pairwise") {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let groups = try samples(c)
            func check(_ result: PostHoc, _ key: String, pKey: String, srP: Bool) {
                let block = e[key] as! [String: Any]
                let pairs = block["pairs"] as! [[String: Any]]
                #expect(result.comparisons.count == pairs.count)
                for (r, x) in zip(result.comparisons, pairs) {
                    let at = "\(id) \(key) \(r.a)-\(r.b)"
                    #expect(r.a == x["a"] as! String && r.b == x["b"] as! String, "\(at) order")
                    expectClose(r.diff, x["mean_diff"], "\(at) diff")
                    expectClose(r.t, x["t"], "\(at) t")
                    if let se = x["se"] { expectClose(r.se, se, "\(at) se") }
                    if let q = x["q"] { expectClose(r.q, q, "\(at) q") }
                    if let df = x["df"] { expectClose(r.df, df, "\(at) df") }
                    if let raw = x["p_unadjusted_LSD"] ?? x["p_unadjusted"] { expectClose(r.pUnadjusted, raw, p, "\(at) raw p") }
                    if let bound = x["p_below_1e10_assert_bound_only"] as? Bool, bound {
                        #expect(r.p < 1e-10, "\(at) p bound")
                    } else {
                        expectClose(r.p, x[pKey], srP ? 1e-7 : p, "\(at) p")
                    }
                    if let low = x["ci_low"] {
                        expectClose(r.ciLow, low, srP ? 1e-7 : 1e-12, "\(at) ci low")
                        expectClose(r.ciHigh, x["ci_high"], srP ? 1e-7 : 1e-12, "\(at) ci high")
                    }
                }
            }
            check(try PostHoc(groups, method: .tukey), "tukey_hsd", pKey: "p_value", srP: true)
            check(try PostHoc(groups, method: .gamesHowell), "games_howell", pKey: "p_value", srP: true)
            check(try PostHoc(groups, method: .bonferroni), "bonferroni_pooled", pKey: "p_bonferroni", srP: false)
            check(try PostHoc(groups, method: .bonferroni, pooled: false), "bonferroni_welch", pKey: "p_bonferroni", srP: false)
            // Holm on the same t-tests: step-down of the unadjusted p-values.
            let holm = try PostHoc(groups, method: .holm)
            let raw = (e["bonferroni_pooled"] as! [String: Any])["pairs"] as! [[String: Any]]
            let rawP = raw.map { number($0["p_unadjusted_LSD"])! }
            let expectedHolm = holmReference(rawP)
            for (r, x) in zip(holm.comparisons, expectedHolm) { expectClose(r.p, x, p, "\(id) holm p") }
            #expect(holm.comparisons.allSatisfy { $0.ciLow == nil })
        }
    }

    /// Holm's adjustment written out for three comparisons, independently
    /// of the engine's loop.
    func holmReference(_ p: [Double]) -> [Double] {
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = p
        let a0 = min(1, 3 * p[order[0]]), a1 = max(a0, min(1, 2 * p[order[1]])), a2 = max(a1, min(1, p[order[2]]))
        adjusted[order[0]] = a0; adjusted[order[1]] = a1; adjusted[order[2]] = a2
        return adjusted
    }

    @Test("Independent t-tests (Student and Welch) and effect sizes")
    func independent() throws {
        let cases = try Reference.cases("ttest_independent")
        #expect(cases.count >= 2)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let input = c["input"] as! [String: Any]
            let a = Sample(label: "group1", values: input["group1"] as! [Double])
            let b = Sample(label: "group2", values: input["group2"] as! [Double])
            for pooled in [true, false] {
                let t = try IndependentTTest(a, b, pooled: pooled)
                let x = e[pooled ? "student" : "welch"] as! [String: Any]
                let at = "\(id) \(pooled ? "student" : "welch")"
                expectClose(t.diff, e["mean_diff"], "\(at) diff")
                expectClose(t.t, x["t"], "\(at) t")
                expectClose(t.df, x["df"], "\(at) df")
                expectClose(t.p, x["p_value"], p, "\(at) p")
                expectClose(t.se, x["se"], "\(at) se")
                expectClose(t.ciLow, x["ci_low"], "\(at) ci low")
                expectClose(t.ciHigh, x["ci_high"], "\(at) ci high")
                if let sd = x["pooled_sd"] { expectClose(t.pooledSD, sd, "\(at) pooled sd") }
                let effects = e["effect_sizes"] as! [String: Any]
                expectClose(t.cohensD.value, effects["cohens_d_pooled"], "\(at) d")
                expectClose(t.hedgesG.value, effects["hedges_g_exact_J"], "\(at) g")
                expectClose(hedgesCorrection(df: Double(t.a.n + t.b.n - 2)), effects["hedges_correction_J_exact"], "\(at) J")
                #expect(t.cohensD.ciLow < t.cohensD.value && t.cohensD.value < t.cohensD.ciHigh)
                // Noncentral-t interval, SciPy nct + brentq (R effectsize prints [-1.74, 0.10] for sleep).
                let interval = ["sleep_ttest_independent": (-1.7388168991067319, 0.09545039821141509),
                                "scale_ttest_independent_unequal": (-0.10815606384019777, 1.6292555898622947)][id]
                if let interval {
                    expectClose(t.cohensD.ciLow, interval.0, 1e-9, "\(at) d ci low")
                    expectClose(t.cohensD.ciHigh, interval.1, 1e-9, "\(at) d ci high")
                }
            }
        }
    }

    @Test("Paired t-tests (after − before) and d_z, g_z")
    func paired() throws {
        let cases = try Reference.cases("ttest_paired")
        #expect(cases.count >= 2)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let input = c["input"] as! [String: Any]
            let t = try PairedTTest(before: (input["pre"] as! [Double]).map { $0 }, after: (input["post"] as! [Double]).map { $0 })
            expectClose(Double(t.n), e["n"], "\(id) n")
            expectClose(t.meanDifference, e["mean_diff_post_minus_pre"], "\(id) diff")
            expectClose(t.sdDifference, e["sd_diff"], "\(id) sd diff")
            expectClose(t.se, e["se_diff"], "\(id) se")
            expectClose(t.t, e["t"], "\(id) t")
            expectClose(t.df, e["df"], "\(id) df")
            expectClose(t.p, e["p_value"], p, "\(id) p")
            expectClose(t.ciLow, e["ci_low"], "\(id) ci low")
            expectClose(t.ciHigh, e["ci_high"], "\(id) ci high")
            expectClose(t.correlation, e["pearson_r_pre_post"], "\(id) r")
            let effects = e["effect_sizes"] as! [String: Any]
            expectClose(t.cohensD.value, effects["cohens_dz"], "\(id) dz")
            expectClose(t.hedgesG.value, effects["hedges_gz_exact_J"], "\(id) gz")
            if id == "sleep_ttest_paired" {
                expectClose(t.cohensD.ciLow, 0.4146277563804569, 1e-9, "\(id) dz ci low")
                expectClose(t.cohensD.ciHigh, 2.118016513981601, 1e-9, "\(id) dz ci high")
            }
        }
    }

    @Test("Chi-square test of independence, Yates, G², Cramér's V, Fisher")
    func chiSquare() throws {
        let cases = try Reference.cases("chi2_independence")
        #expect(cases.count >= 3)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let input = c["input"] as! [String: Any]
            let table = (input["table"] as! [[Any]]).map { $0.map { number($0)! } }
            let x = try ChiSquareTest(table)
            expectClose(x.n, e["n"], "\(id) n")
            expectClose(Double(x.df), e["df"], "\(id) df")
            expectClose(x.chi2, e["pearson_chi2"], "\(id) chi2")
            expectClose(x.p, e["p_value"], p, "\(id) p")
            expectClose(x.g2, e["likelihood_ratio_G2"], "\(id) G2")
            expectClose(x.pG2, e["p_value_G2"], p, "\(id) p G2")
            expectClose(x.cramersV, e["cramers_v"], "\(id) V")
            expectClose(x.minimumExpected, e["min_expected"], "\(id) min expected")
            #expect(x.cellsExpectedBelow5 == e["n_cells_expected_below_5"] as! Int, "\(id) cells < 5")
            for (row, expectedRow) in zip(x.expected, e["expected"] as! [[Any]]) {
                for (value, ev) in zip(row, expectedRow) { expectClose(value, ev, "\(id) expected count") }
            }
            if let yates = e["yates_chi2"] {
                expectClose(x.yatesChi2, yates, "\(id) Yates")
                expectClose(x.yatesP, e["yates_p_value"], p, "\(id) Yates p")
                expectClose(x.fisher?.p, e["fisher_exact_two_sided_p_scipy"], 1e-9, "\(id) Fisher p")
                expectClose(x.fisher?.oddsRatio, e["odds_ratio_sample"], "\(id) odds ratio")
            } else {
                #expect(x.yatesChi2 == nil && x.fisher == nil)
            }
        }
    }

    @Test("Cronbach's alpha, Feldt interval, alpha if item deleted, item–total r")
    func alpha() throws {
        let cases = try Reference.cases("cronbach_alpha")
        #expect(cases.count >= 3)
        for c in cases {
            let e = c["expected"] as! [String: Any], id = c["id"] as! String
            let input = c["input"] as! [String: Any]
            let rows = (input["matrix_rows_are_subjects"] as! [[Any]]).map { $0.map { number($0) } }
            let a = try CronbachAlpha(answers: rows)
            expectClose(Double(a.n), e["n_respondents"], "\(id) n")
            expectClose(Double(a.k), e["k_items"], "\(id) k")
            expectClose(a.alpha, e["alpha"], "\(id) alpha")
            expectClose(a.standardizedAlpha, e["alpha_standardized"], "\(id) standardized alpha")
            expectClose(a.meanInterItemCorrelation, e["mean_inter_item_r"], "\(id) mean r")
            expectClose(a.totalVariance, e["total_score_variance"], "\(id) total variance")
            for (value, ev) in zip(a.itemVariances, e["item_variances"] as! [Any]) { expectClose(value, ev, "\(id) item variance") }
            let feldt = e["feldt_ci"] as! [String: Any]
            expectClose(a.ciLow, feldt["low"], "\(id) ci low")
            expectClose(a.ciHigh, feldt["high"], "\(id) ci high")
            for (item, x) in zip(a.items, e["items"] as! [[String: Any]]) {
                expectClose(item.mean, x["mean"], "\(id) item mean")
                expectClose(item.sd, x["sd"], "\(id) item sd")
                expectClose(item.correctedItemTotal, x["corrected_item_total_r"], "\(id) item-total r")
                expectClose(item.alphaIfDeleted, x["alpha_if_item_deleted"], "\(id) alpha if deleted")
            }
        }
    }

    @Test("Reverse scoring the fourth item turns the unreversed case into the reversed one")
    func reverse() throws {
        let unreversed = try Reference.cases("cronbach_alpha").first { $0["id"] as! String == "likert4_cronbach_alpha_unreversed" }!
        let reversed = try Reference.cases("cronbach_alpha").first { $0["id"] as! String == "likert4_cronbach_alpha_reversed" }!
        let rows = ((unreversed["input"] as! [String: Any])["matrix_rows_are_subjects"] as! [[Any]]).map { $0.map { number($0) } }
        let a = try CronbachAlpha(answers: rows, reversed: [3], minimum: 1, maximum: 5)
        expectClose(a.alpha, (reversed["expected"] as! [String: Any])["alpha"], "reversed alpha")
        let plain = try CronbachAlpha(answers: rows)
        #expect(plain.isBelowConvention && !a.isBelowConvention)
    }
}
