package dev.forge.bench;

/**
 * A realistic Class 4 routing script and its call data, shared by the benchmarks so that Forge and raw
 * Javet run exactly the same JavaScript on exactly the same JSON.
 */
final class Routing {

    /** Sorts the egress routes by rate, stamps a header on each and picks the caller id per gateway. */
    static final String SCRIPT = """
            function main(data) {
              const r = data.routing;
              r.egress_routing.sort(function (a, b) { return a.rate - b.rate; });
              for (let i = 0; i < r.egress_routing.length; i++) {
                const route = r.egress_routing[i];
                route.headers.push({key: 'X-Forge-Rank', value: String(i + 1)});
                for (const gw in route.gw) {
                  if (!route.gw[gw].cli) {
                    route.gw[gw].cli = r.cli;
                  }
                }
              }
              if (r.dest_number.startsWith('+44')) {
                r.egress_routing = r.egress_routing.filter(function (e) { return e.rate < 0.05; });
              }
              r.account_id = String(r.account_id);
              return data;
            }
            """;

    /** About 1.3 KB of routing data with five egress routes, deliberately out of rate order. */
    static final String DATA = data();

    private Routing() {
    }

    private static String data() {
        double[] rates = {0.031, 0.012, 0.044, 0.0095, 0.027};
        StringBuilder sb = new StringBuilder();
        sb.append("{\"routing\":{\"cli\":\"+15551234567\",\"dest_number\":\"+442071838750\",\"account_id\":48213,")
                .append("\"call_id\":\"a84b4c76e66710@pbx-03.example.net\",\"egress_routing\":[");
        for (int i = 0; i < rates.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            int gw = 12 + i;
            sb.append("{\"gw\":{\"").append(gw).append("\":{\"cli\":\"+1555000").append(1000 + i)
                    .append("\",\"host\":\"gw").append(gw).append(".carrier.example\",\"port\":5060}},")
                    .append("\"headers\":[{\"key\":\"X-Customer-ID\",\"value\":\"cust-48213\"},")
                    .append("{\"key\":\"X-Route-Tag\",\"value\":\"tier-").append(i).append("\"}],")
                    .append("\"rate\":").append(rates[i]).append(",\"prefix\":\"44207\",\"carrier\":\"carrier-")
                    .append((char) ('a' + i)).append("\"}");
        }
        sb.append("]}}");
        return sb.toString();
    }
}
