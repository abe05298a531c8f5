import Foundation
import HorizonCore
import HorizonData
import HorizonForecast

/// `+elasticity`: a log-log price response per category, estimated from the covariate `price`
/// (and controlling for `promo` when the panel has it), used with the future prices so that
/// "what if the price drops 20%" can be asked (`forecast NAME price=-20%`). The spec's §2.2.
///
/// Estimation, pooled over each group's items (static attribute `by`, default `category`):
///   log(1 + q_t) = a_t + ε·log p_t + δ·promo_t + u_t,
/// where a_t, the item's local level, is removed by subtracting centred 9-point moving means
/// from every term (so trend, season and the item's size do not masquerade as price effects).
/// Each group's ε is shrunk toward the pooled ε of all groups by precision weights
/// (1/se² against 1/τ², τ² the spread of the group estimates beyond their sampling error),
/// then clipped to [−5, 0]; δ is clipped to [−1, 3]. A group without price variation uses the
/// pooled ε.
///
/// Use: the history is put on each item's reference price (its median) and without promotions,
/// y·(p_ref/p)^ε·e^(−δ·promo); the inner model forecasts that baseline; the forecast is
/// multiplied by (p_future/p_ref)^ε·e^(δ·promo_future), point and quantiles alike.
public struct PriceElasticity: Estimator {
    public var inner: any Estimator
    public var groupKey: String?
    public static let priceName = "price", promoName = "promo"
    static let halfWindow = 4

    static let spec = AddOnSpec(
        name: "elasticity",
        summary: "a log-log price response per category from 'price' (promo controlled), applied to future prices",
        options: [OptionDeclaration("by", .word(["category", "none"]), help: "the static attribute that groups items (default category)")]
    ) { options, inner in
        PriceElasticity(inner: inner, groupKey: options.word("by") == "none" ? nil : options.word("by") ?? "category")
    }

    /// Sufficient statistics of the demeaned regression.
    struct Moments {
        var xx = 0.0, xd = 0.0, dd = 0.0, xy = 0.0, dy = 0.0, yy = 0.0, n = 0.0
        mutating func add(_ o: Moments) {
            xx += o.xx; xd += o.xd; dd += o.dd; xy += o.xy; dy += o.dy; yy += o.yy; n += o.n
        }

        /// (ε, δ, se(ε)), or nil without price variation.
        var estimate: (elasticity: Double, promo: Double, se: Double)? {
            guard n > 3, xx > 1e-8 else { return nil }
            let det = xx * dd - xd * xd
            let e: Double, d: Double, inv11: Double
            if dd > 1e-8, det > 1e-12 * xx * dd {
                e = (xy * dd - dy * xd) / det
                d = (dy * xx - xy * xd) / det
                inv11 = dd / det
            } else {
                e = xy / xx; d = 0; inv11 = 1 / xx
            }
            let sigma2 = max(yy - e * xy - d * dy, 0) / max(n - 2, 1)
            return (e, d, (sigma2 * inv11).squareRoot())
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
        return m
    }

    public func fit(_ panel: Panel, settings: FitSettings) throws -> any Predictor {
        guard panel.dynamicNames.contains(Self.priceName) else {
            throw HorizonError("+elasticity needs a covariate named 'price' (this data has: \(panel.dynamicNames.isEmpty ? "none" : panel.dynamicNames.joined(separator: ", ")))")
        }
        let key = groupKey.flatMap { panel.staticNames.contains($0) ? $0 : nil }
        var byGroup: [String: Moments] = [:], all = Moments()
        for s in panel.series {
            let m = Self.moments(s)
            byGroup[panel.group(of: s, by: key), default: Moments()].add(m)
            all.add(m)
        }
        guard let pooled = all.estimate else {
            throw HorizonError("+elasticity: the prices never change, so no price response can be estimated")
        }
        let estimates = byGroup.compactMapValues { $0.estimate }
        // τ²: the spread of group estimates beyond their own sampling error (at least 0.05²).
        let values = estimates.values.map(\.elasticity)
        let mean = values.isEmpty ? pooled.elasticity : values.reduce(0, +) / Double(values.count)
        let spread = values.isEmpty ? 0 : values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let noise = estimates.isEmpty ? 0 : estimates.values.reduce(0) { $0 + $1.se * $1.se } / Double(estimates.count)
        let tau2 = max(spread - noise, 0.0025)
        var response: [String: (elasticity: Double, promo: Double)] = [:]
        for group in byGroup.keys {
            guard let e = estimates[group] else {
                response[group] = (Self.clip(pooled.elasticity), min(max(pooled.promo, -1), 3)); continue
            }
            let w = (1 / (e.se * e.se)) / (1 / (e.se * e.se) + 1 / tau2)
            response[group] = (Self.clip(w * e.elasticity + (1 - w) * pooled.elasticity), min(max(e.promo, -1), 3))
        }
        response["all"] = (Self.clip(pooled.elasticity), min(max(pooled.promo, -1), 3))
        let effects = PriceEffects(groupKey: key, response: response)
        return ElasticityPredictor(inner: try inner.fit(effects.baseline(panel), settings: settings), effects: effects)
    }

    static func clip(_ e: Double) -> Double { min(max(e, -5), 0) }
}

/// The fitted responses and how they move demand.
struct PriceEffects: Sendable {
    let groupKey: String?
    let response: [String: (elasticity: Double, promo: Double)]

    func effect(_ panel: Panel, _ s: Series) -> (elasticity: Double, promo: Double) {
        response[panel.group(of: s, by: groupKey)] ?? response["all"]!
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

public struct ElasticityPredictor: Predictor, SummarizesFit {
    let inner: any Predictor
    let effects: PriceEffects

    /// The estimated (elasticity, promo effect) of each group.
    public var responses: [String: (elasticity: Double, promo: Double)] { effects.response }

    public var fitSummary: [String] {
        let groups = effects.response.keys.filter { $0 != "all" || effects.response.count == 1 }.sorted()
        let text = groups.map { g in
            let r = effects.response[g]!
            return "\(g) \(NumberFormat.fixed(r.elasticity, 2))" + (r.promo != 0 ? " (promo ×\(NumberFormat.fixed(exp(r.promo), 2)))" : "")
        }
        return combinedReport(["+elasticity: price elasticity by group: " + text.joined(separator: ", ")], inner: inner)
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
