/// Products that terminate TLS with certificates from their own CA, by words in that CA's O, OU or CN.
/// To add one, append an entry; keep substrings specific enough not to hit public CAs (`Symantec` alone would).
enum InterceptionTable {
    typealias Entry = InterceptionProducts.Entry

    static let entries: [Entry] = [
        // CDNs and load balancers whose own issuing CAs name them.
        Entry(product: "Cloudflare", issuerSubstrings: ["Cloudflare"]),  // Cloudflare Inc ECC CA-3, Origin CA
        Entry(product: "Amazon CloudFront/ELB (ACM)",  // ACM certificates can only be deployed on AWS endpoints
              issuerSubstrings: ["Amazon RSA 2048 M0", "Amazon RSA 4096 M0", "Amazon ECDSA 256 M0",
                                 "Amazon ECDSA 384 M0", "Amazon Server CA"]),
        Entry(product: "Akamai", issuerSubstrings: ["Akamai"]),
        Entry(product: "Fastly", issuerSubstrings: ["Fastly", "Certainly Intermediate"]),  // Certainly: Fastly's CA
        // Secure web gateways and firewalls doing TLS inspection.
        Entry(product: "Zscaler", issuerSubstrings: ["Zscaler"]),
        Entry(product: "Fortinet FortiGate", issuerSubstrings: ["Fortinet", "FortiGate"]),
        Entry(product: "Palo Alto Networks", issuerSubstrings: ["Palo Alto Networks"]),
        Entry(product: "Netskope", issuerSubstrings: ["Netskope"]),
        Entry(product: "Blue Coat / Symantec ProxySG", issuerSubstrings: ["Blue Coat", "BlueCoat", "ProxySG"]),
        Entry(product: "Cisco Umbrella", issuerSubstrings: ["Cisco Umbrella", "OpenDNS"]),
        Entry(product: "Sophos", issuerSubstrings: ["Sophos"]),
        Entry(product: "Check Point", issuerSubstrings: ["Check Point", "CheckPoint"]),
        Entry(product: "Barracuda", issuerSubstrings: ["Barracuda"]),
        Entry(product: "Forcepoint", issuerSubstrings: ["Forcepoint", "Websense"]),
        Entry(product: "McAfee Web Gateway", issuerSubstrings: ["McAfee Web Gateway"]),
        Entry(product: "WatchGuard", issuerSubstrings: ["WatchGuard"]),
        Entry(product: "SonicWall", issuerSubstrings: ["SonicWall"]),
        // Debugging proxies.
        Entry(product: "mitmproxy", issuerSubstrings: ["mitmproxy"]),
        Entry(product: "Charles Proxy", issuerSubstrings: ["Charles Proxy", "XK72"]),
        Entry(product: "Fiddler", issuerSubstrings: ["DO_NOT_TRUST_Fiddler", "Fiddler"]),
        Entry(product: "Burp Suite", issuerSubstrings: ["PortSwigger"]),
        // Antivirus web shields that inspect HTTPS on the client.
        Entry(product: "Kaspersky", issuerSubstrings: ["Kaspersky"]),
        Entry(product: "ESET", issuerSubstrings: ["ESET SSL Filter", "ESET, spol"]),
        Entry(product: "Avast/AVG", issuerSubstrings: ["Avast", "AVG Web/Mail Shield", "AVG Technologies"]),
        Entry(product: "Bitdefender", issuerSubstrings: ["Bitdefender"]),
    ]
}
