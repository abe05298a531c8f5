import Foundation
import HorizonCore
import HorizonData
import HorizonForecast

/// `+elasticity`: a log-log price response per category, estimated from the covariate `price`
/// (and controlling for `promo` when the panel has it), used with the future prices so that
/// "what if the price drops 20%" can be asked (`forecast NAME price=-20%`). The spec's §2.2.
///
/// Estimation, pooled over each group's items (static attribute `by`, default `category`):
///   log(1 + q_t) = a_t + ε·log p_t + δ_i·promo_t + u_t,
/// where a_t, the item's local level, is removed by subtracting centred 9-point moving means
/// from every term (so trend, season and the item's size do not masquerade as price effects).
///
/// Price and promotion usually move together (a promotion is a price cut with a display), so
/// ε is only learned from price changes that are not the promotion itself: changes of the
/// regular price, or cuts of different depths. Where a group has little of that, its
/// standard error is large and the estimate means nothing on its own. Each group's ε is
/// therefore combined with a prior of no response, N(0, 1): the data's estimate ε̂ with standard
/// error s gets the weight w = (1/s²)/(1/s² + 1), so a well-measured group keeps its estimate
/// and an unmeasured one predicts no price effect — and says so (`identified` is w ≥ ½). Why
/// not shrink toward the pooled estimate of all groups, as before: one price-elastic category
/// with deep cuts then set every staple's response (−3.7 for detergent on the retail demo,
/// whose generator gives −0.3). Each item i has its own promotion lift δ_i (partialled out item
/// by item before ε is pooled): one shared δ let a category mixing deep-discount items with
/// mildly promoted ones (headphones and new launches) push the difference into ε. δ_i is then
/// taken at the ε used and shrunk toward the group's by four pseudo promotion weeks; ε is
/// clipped to [−5, 0], δ to [−1, 3].
///
/// Use: the history is put on each item's reference price (its median) and without promotions,
/// y·(p_ref/p)^ε·e^(−δ·promo); the inner model forecasts that baseline; the forecast is
/// multiplied by (p_future/p_ref)^ε·e^(δ·promo_future), point and quantiles alike.
public struct PriceElasticity: Estimator {
    public var inner: any Estimator
    public var groupKey: String?
    public static let priceName = "price", promoName = "promo"
    static let halfWindow = 4
    /// The prior's standard deviation: elasticities of everyday goods lie within a few units of 0.
    static let priorSpread = 1.0
    /// Pseudo promotion weeks at the group's lift that each item's own lift is averaged with.
    static let promotionPrior = 4.0

    static let spec = AddOnSpec(
        name: "elasticity",
        summary: "a log-log price response per category from 'price' (promo controlled), applied to future prices",
        options: [OptionDeclaration("by", .word(["category", "none"]), help: "the static attribute that groups items (default category)")]
    ) { options, inner in
        PriceElasticity(inner: inner, groupKey: options.word("by") == "none" ? nil : options.word("by") ?? "category")
    }

    /// Sufficient statistics of the demeaned regression, and how many items' prices moved.
    /// The `r…` sums are the item's price and demand with its own promotion effect taken out
    /// (each item's promotion lift is its own: a category mixing deep-discount items with
    /// mild ones would otherwise push the difference into ε).
    struct Moments {
        var xx = 0.0, xd = 0.0, dd = 0.0, xy = 0.0, dy = 0.0, yy = 0.0, n = 0.0
        var rxx = 0.0, rxy = 0.0, ryy = 0.0
        var items = 0, promotedItems = 0

        /// One item's sums, with the residual ones computed from them.
        mutating func finish() {
            if dd > 1e-8 {
                rxx = xx - xd * xd / dd; rxy = xy - xd * dy / dd; ryy = yy - dy * dy / dd
                promotedItems = 1
            } else {
                (rxx, rxy, ryy) = (xx, xy, yy)
            }
        }

        mutating func add(_ o: Moments) {
            xx += o.xx; xd += o.xd; dd += o.dd; xy += o.xy; dy += o.dy; yy += o.yy; n += o.n
            rxx += o.rxx; rxy += o.rxy; ryy += o.ryy; items += o.items; promotedItems += o.promotedItems
        }

        /// The group's response: ε̂ from price changes apart from each item's promotions, its
        /// standard error, combined with the prior; δ the group's promotion lift at that ε.
        var response: PriceResponse {
            let promo = { (e: Double) in self.dd > 1e-8 ? min(max((self.dy - e * self.xd) / self.dd, -1), 3) : 0 }
            guard n > 3, xx > 1e-8 else {
                return PriceResponse(elasticity: 0, promo: promo(0), interval: 0...0, items: items, identified: false, estimate: nil, standardError: nil)
            }
            guard rxx > 1e-9 * xx else {
                // Prices moved only with promotions, always by the same share: the lift cannot
                // be split between them, so it stays with the promotion and ε with the prior.
                let spread = 1.96 * PriceElasticity.priorSpread
                return PriceResponse(elasticity: 0, promo: promo(0), interval: PriceElasticity.clip(-spread)...0,
                                     items: items, identified: false, estimate: nil, standardError: nil)
            }
            let e = rxy / rxx
            let sigma2 = max(ryy - e * rxy, 0) / max(n - Double(promotedItems) - 1, 1)
            let se = max((sigma2 / rxx).squareRoot(), 1e-9)
            let precision = 1 / (se * se), prior = 1 / (PriceElasticity.priorSpread * PriceElasticity.priorSpread)
            let weight = precision / (precision + prior)
            let used = PriceElasticity.clip(weight * e)
            let spread = 1.96 / (precision + prior).squareRoot()
            return PriceResponse(elasticity: used, promo: promo(used),
                                 interval: PriceElasticity.clip(used - spread)...PriceElasticity.clip(used + spread), items: items,
                                 identified: weight >= 0.5, estimate: e, standardError: se)
        }

        /// An item's own promotion lift at the group's ε, shrunk toward the group's by
        /// `promotionPrior` pseudo promotion weeks (an item with two promotions says little).
        func itemPromotion(elasticity e: Double, group: Double) -> Double {
            min(max((dy - e * xd + PriceElasticity.promotionPrior * group) / (dd + PriceElasticity.promotionPrior), -1), 3)
        }
    }

    /// The demeaned moments of one series.
    static func moments(_ s: Series) -> Moments {
        var m = Moments()
        guard let prices = s.dynamic[priceName] else { return m }
        let promo = s.dynamic[promoName]
        var ys: [Double] = [], xs: [Double] = [], ds: [Double] = []
        for t in 0..<s.count {
            let y = s.values[t], p = prices[t]
            guard !y.isNaN, y >= 0, !p.isNaN, p > 0 else { continue }
            ys.append(log(1 + y)); xs.append(log(p))
            let d = promo?[t] ?? 0
            ds.append(d.isNaN ? 0 : d)
        }
        let n = ys.count
        guard n > 2 * halfWindow else { return m }
        for t in 0..<n {
            let lo = max(0, t - halfWindow), hi = min(n - 1, t + halfWindow)
            let width = Double(hi - lo + 1)
            var my = 0.0, mx = 0.0, md = 0.0
            for k in lo...hi { my += ys[k]; mx += xs[k]; md += ds[k] }
            let y = ys[t] - my / width, x = xs[t] - mx / width, d = ds[t] - md / width
            m.xx += x * x; m.xd += x * d; m.dd += d * d; m.xy += x * y; m.dy += d * y; m.yy += y * y; m.n += 1
        }
        if m.xx > 1e-8 { m.items = 1 }
        m.finish()
        return m
    }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        guard panel.dynamicNames.contains(Self.priceName) else {
            throw HorizonError("+elasticity needs a covariate named 'price' (this data has: \(panel.dynamicNames.isEmpty ? "none" : panel.dynamicNames.joined(separator: ", ")))")
        }
        let key = groupKey.flatMap { panel.staticNames.contains($0) ? $0 : nil }
        var byGroup: [String: Moments] = [:], byItem: [String: Moments] = [:]
        for s in panel.series {
            let m = Self.moments(s)
            byItem[s.id] = m
            byGroup[panel.group(of: s, by: key), default: Moments()].add(m)
        }
        guard byGroup.values.contains(where: { $0.xx > 1e-8 }) else {
            throw HorizonError("+elasticity: the prices never change, so no price response can be estimated")
        }
        let responses = byGroup.mapValues(\.response)
        var promotions: [String: Double] = [:]
        for s in panel.series where (byItem[s.id]?.dd ?? 0) > 1e-8 {
            if let r = responses[panel.group(of: s, by: key)] {
                promotions[s.id] = byItem[s.id]!.itemPromotion(elasticity: r.elasticity, group: r.promo)
            }
        }
        let effects = PriceEffects(groupKey: key, response: responses, itemPromotion: promotions)
        return ElasticityPredictor(inner: try inner.fit(effects.baseline(panel), settings: settings), effects: effects)
    }

    static func clip(_ e: Double) -> Double { min(max(e, -5), 0) }
}

/// One group's price response, and how well its own data measured it.
public struct PriceResponse: Sendable {
    /// The elasticity used: the data's estimate combined with the prior of no response.
    public var elasticity: Double
    /// The log lift of a promotion week beyond its price cut.
    public var promo: Double
    /// A 95% interval for the elasticity (the posterior's, clipped to [−5, 0]).
    public var interval: ClosedRange<Double>
    /// How many items' prices moved (the ones that inform ε).
    public var items: Int
    /// Whether the group's own data outweigh the prior (standard error at most 1).
    public var identified: Bool
    /// The least-squares estimate and its standard error, nil when no price moved.
    public var estimate: Double?, standardError: Double?
}

/// The fitted responses and how they move demand.
struct PriceEffects: Sendable {
    let groupKey: String?
    let response: [String: PriceResponse]
    /// Each promoted item's own promotion lift (log), shrunk toward its group's.
    let itemPromotion: [String: Double]

    /// The item's group's ε and its own δ (else the group's); none for a group the fit never saw.
    func effect(_ panel: Panel, _ s: Series) -> (elasticity: Double, promo: Double) {
        guard let r = response[panel.group(of: s, by: groupKey)] else { return (0, 0) }
        return (r.elasticity, itemPromotion[s.id] ?? r.promo)
    }

    /// The item's reference (regular) price: the median of its observed prices.
    static func referencePrice(_ s: Series) -> Double? {
        let prices = (s.dynamic[PriceElasticity.priceName] ?? []).filter { !$0.isNaN && $0 > 0 }.sorted()
        return prices.isEmpty ? nil : prices[prices.count / 2]
    }

    /// The demand multiplier at price p and promo d relative to the reference price, no promo.
    func multiplier(_ e: (elasticity: Double, promo: Double), price p: Double, reference: Double?, promo d: Double) -> Double {
        var f = 1.0
        if let reference, !p.isNaN, p > 0 { f *= pow(p / reference, e.elasticity) }
        if !d.isNaN { f *= exp(e.promo * d) }
        return f
    }

    /// The history at the reference price and without promotions.
    func baseline(_ panel: Panel) -> Panel {
        panel.replacingValues(panel.series.map { s in
            let e = effect(panel, s), reference = Self.referencePrice(s)
            let prices = s.dynamic[PriceElasticity.priceName], promo = s.dynamic[PriceElasticity.promoName]
            return s.values.indices.map { t in
                s.values[t] / multiplier(e, price: prices?[t] ?? .nan, reference: reference, promo: promo?[t] ?? .nan)
            }
        })
    }
}

public struct ElasticityPredictor: Predictor, SummarizesFit, ReportsItem {
    let inner: any Predictor
    public var longestHorizon: Int? { inner.longestHorizon }
    let effects: PriceEffects

    /// The item's group's response and its reference price, then what the inner model says.
    public func itemReport(_ series: Series, in panel: Panel) -> [String] {
        let group = panel.group(of: series, by: effects.groupKey)
        var lines: [String] = []
        if let r = effects.response[group] {
            lines.append("+elasticity: price elasticity of \(group) \(NumberFormat.fixed(r.elasticity, 2)) (95% \(NumberFormat.fixed(r.interval.lowerBound, 2))…"
                         + "\(NumberFormat.fixed(r.interval.upperBound, 2))\(r.identified ? "" : ", not identified")), "
                         + "its promotion ×\(NumberFormat.fixed(exp(effects.effect(panel, series).promo), 2))"
                         + (PriceEffects.referencePrice(series).map { "; reference price \(NumberFormat.value($0))" } ?? ""))
        }
        return combinedItemReport(lines, inner: inner, series, panel)
    }

    /// The estimated response of each group.
    public var responses: [String: PriceResponse] { effects.response }

    /// A line per group: the elasticity used, its interval, how many items informed it, and
    /// whether the data measured it or it fell back to no response.
    public var fitSummary: [String] {
        let lines = effects.response.keys.sorted().map { g -> String in
            let r = effects.response[g]!
            var text = "  \(g): \(NumberFormat.fixed(r.elasticity, 2)) (95% \(NumberFormat.fixed(r.interval.lowerBound, 2))…\(NumberFormat.fixed(r.interval.upperBound, 2)); "
                + "\(r.items) item\(r.items == 1 ? "" : "s") with price changes)"
            if r.promo != 0 { text += ", promotion ×\(NumberFormat.fixed(exp(r.promo), 2))" }
            if r.items == 0 {
                text += "; no price changes: no price response"
            } else if !r.identified {
                text += "; not identified" + (r.estimate.map { e in r.standardError.map { " (own estimate \(NumberFormat.fixed(e, 2)) ± \(NumberFormat.fixed($0, 2)))" } ?? "" } ?? "")
            }
            return text
        }
        let by = effects.groupKey.map { "by \($0)" } ?? "for all items"
        var own = ["+elasticity: price elasticity \(by):"] + lines
        if effects.response.values.contains(where: { $0.items > 0 && !$0.identified }) {
            own.append("  not identified: prices rarely moved apart from promotions, so the estimate stays near no response (a prior N(0, 1))")
        }
        return combinedReport(own, inner: inner)
    }

    public func predict(_ history: Panel, future: FutureCovariates, horizon: Int, levels: [Double]) throws -> PanelForecast {
        let base = try inner.predict(effects.baseline(history), future: future, horizon: horizon, levels: levels)
        let factors = history.series.enumerated().map { i, s -> [Double] in
            let e = effects.effect(history, s), reference = PriceEffects.referencePrice(s)
            let prices = i < future.dynamic.count ? future.dynamic[i][PriceElasticity.priceName] : nil
            let promo = i < future.dynamic.count ? future.dynamic[i][PriceElasticity.promoName] : nil
            return (0..<horizon).map { h in
                effects.multiplier(e, price: prices.map { h < $0.count ? $0[h] : .nan } ?? .nan, reference: reference,
                                   promo: promo.map { h < $0.count ? $0[h] : .nan } ?? .nan)
            }
        }
        return base.scaled(by: factors)
    }
}
