//! Who is really asking: behind a reverse proxy every request comes from the proxy's
//! address, and only a proxy we trust may tell us the client's (`X-Forwarded-For`).
//! Anyone else's `X-Forwarded-For` is ignored, or one client could pose as many.

use std::net::IpAddr;

/// An address range such as `10.0.0.0/8`, `127.0.0.1` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    base: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (address, bits) = match text.split_once('/') {
            Some((address, bits)) => (address, Some(bits.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let base: IpAddr = address.parse().ok()?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        (bits <= max).then_some(Cidr { base, bits })
    }

    /// A comma-separated list, as `HAMRAH_TRUSTED_PROXIES` holds it; `None` names the first
    /// entry that is not an address range.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(',')
            .filter(|part| !part.trim().is_empty())
            .map(|part| Cidr::parse(part).ok_or_else(|| part.trim().to_owned()))
            .collect()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.base, canonical(address)) {
            (IpAddr::V4(base), IpAddr::V4(address)) => {
                prefix_eq(&base.octets(), &address.octets(), self.bits)
            }
            (IpAddr::V6(base), IpAddr::V6(address)) => {
                prefix_eq(&base.octets(), &address.octets(), self.bits)
            }
            _ => false,
        }
    }
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:a.b.c.d`) is that IPv4 client.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let whole = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask) == (b[whole] & mask)
}

/// The client's address: the peer's own, unless the peer is a trusted proxy; then the
/// nearest address in `X-Forwarded-For` (read from the right) that is not itself a trusted
/// proxy. Entries further left were written by the client and prove nothing.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|range| range.contains(address));
    let peer = canonical(peer);
    if !is_trusted(peer) {
        return peer;
    }
    let hops = forwarded_for
        .iter()
        .rev()
        .flat_map(|header| header.rsplit(','))
        .map(str::trim);
    let mut client = peer;
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(address) => {
                client = canonical(address);
                if !is_trusted(client) {
                    return client;
                }
            }
            // A hop we cannot read: stop at the last address we could trust.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn ranges_contain_what_they_say() {
        let lan = Cidr::parse("10.1.0.0/16").expect("range");
        assert!(lan.contains(ip("10.1.200.3")));
        assert!(!lan.contains(ip("10.2.0.1")));
        let one = Cidr::parse("127.0.0.1").expect("single");
        assert!(one.contains(ip("127.0.0.1")));
        assert!(
            one.contains(ip("::ffff:127.0.0.1")),
            "IPv4 seen through an IPv6 socket"
        );
        assert!(!one.contains(ip("127.0.0.2")));
        let odd = Cidr::parse("192.168.0.0/23").expect("range");
        assert!(odd.contains(ip("192.168.1.255")));
        assert!(!odd.contains(ip("192.168.2.0")));
        assert!(Cidr::parse("fd00::/8").expect("v6").contains(ip("fd12::1")));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(
            Cidr::parse_list("10.0.0.0/8, nonsense"),
            Err("nonsense".into())
        );
        assert_eq!(Cidr::parse_list("").map(|l| l.len()), Ok(0));
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let trusted = Cidr::parse_list("10.0.0.0/8").expect("list");
        // Through the proxy: the address the proxy saw.
        assert_eq!(
            client_address(ip("10.0.0.5"), &["198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // The client's own claim (leftmost) is not believed, the proxy's entry is.
        assert_eq!(
            client_address(ip("10.0.0.5"), &["1.2.3.4, 198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // Two proxies of ours in a row.
        assert_eq!(
            client_address(ip("10.0.0.5"), &["198.51.100.7, 10.0.0.9"], &trusted),
            ip("198.51.100.7")
        );
        // Anyone else's header is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.5"), &[], &trusted),
            ip("10.0.0.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &["garbage"], &trusted),
            ip("10.0.0.5")
        );
    }
}
