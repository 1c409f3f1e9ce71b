//! `net.cidr_*`: CIDR arithmetic on IPv4 and IPv6 addresses, following Go's
//! `net.ParseCIDR` / `net.ParseIP` syntax.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::builtins::operands::{self, failed};
use crate::builtins::results::{array, set};
use crate::builtins::{Builtin, BuiltinContext, BuiltinError};
use crate::value::Value;

const CATEGORY: &str = "net";

/// The `net` category.
pub(crate) const BUILTINS: &[Builtin] = &[
    Builtin::new(
        CATEGORY,
        "net.cidr_contains",
        2,
        cidr_contains,
        "Reports whether a CIDR contains an IP or another CIDR.",
    ),
    Builtin::new(
        CATEGORY,
        "net.cidr_intersects",
        2,
        cidr_intersects,
        "Reports whether two CIDRs overlap.",
    ),
    Builtin::new(
        CATEGORY,
        "net.cidr_is_valid",
        1,
        cidr_is_valid,
        "Reports whether a value is a valid CIDR.",
    ),
    Builtin::new(
        CATEGORY,
        "net.cidr_expand",
        1,
        cidr_expand,
        "Returns the set of every address in a CIDR.",
    ),
    Builtin::new(
        CATEGORY,
        "net.cidr_merge",
        1,
        cidr_merge,
        "Merges addresses and CIDRs into the smallest covering set of CIDRs.",
    ),
    Builtin::new(
        CATEGORY,
        "net.cidr_contains_matches",
        2,
        cidr_contains_matches,
        "Returns the pairs of keys whose CIDR contains the other IP or CIDR.",
    ),
];

/// Beyond this many addresses `net.cidr_expand` refuses instead of
/// exhausting memory.
const EXPAND_LIMIT: u128 = 1 << 20;

/// A network: family width in bits (32 or 128), first address, prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Net {
    bits: u32,
    start: u128,
    prefix: u32,
}

impl Net {
    fn host_mask(self) -> u128 {
        let host_bits = self.bits - self.prefix;
        if host_bits >= 128 {
            u128::MAX
        } else {
            (1_u128 << host_bits) - 1
        }
    }

    fn end(self) -> u128 {
        self.start | self.host_mask()
    }

    fn contains_addr(self, bits: u32, addr: u128) -> bool {
        bits == self.bits && addr & !self.host_mask() == self.start
    }

    fn contains(self, other: Net) -> bool {
        self.contains_addr(other.bits, other.start) && self.contains_addr(other.bits, other.end())
    }
}

fn addr_bits(ip: IpAddr) -> (u32, u128) {
    match ip {
        IpAddr::V4(v4) => (32, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (128, u128::from(v6)),
    }
}

fn format_addr(bits: u32, addr: u128) -> String {
    if bits == 32 {
        Ipv4Addr::from(u32::try_from(addr).unwrap_or(0)).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

fn format_net(net: Net) -> String {
    format!("{}/{}", format_addr(net.bits, net.start), net.prefix)
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    text.parse().ok()
}

/// Go's `net.ParseCIDR`, returning the network (host bits cleared).
fn parse_cidr(text: &str) -> Result<Net, String> {
    let invalid = || format!("invalid CIDR address: {text}");
    let (ip, prefix) = text.split_once('/').ok_or_else(invalid)?;
    let ip = parse_ip(ip).ok_or_else(invalid)?;
    if prefix.is_empty() || !prefix.bytes().all(|c| c.is_ascii_digit()) || prefix.len() > 3 {
        return Err(invalid());
    }
    let prefix: u32 = prefix.parse().map_err(|_| invalid())?;
    let (bits, addr) = addr_bits(ip);
    if prefix > bits {
        return Err(invalid());
    }
    let mut net = Net {
        bits,
        start: 0,
        prefix,
    };
    net.start = addr & !net.host_mask();
    Ok(net)
}

fn cidr_arg<'a>(name: &str, args: &'a [Value], pos: usize) -> Result<(&'a str, Net), BuiltinError> {
    let text = operands::string(name, args, pos)?;
    let net = parse_cidr(text).map_err(|msg| failed(name, msg))?;
    Ok((text, net))
}

/// Whether `net` contains `other`, an IP or a CIDR.
fn contains_ip_or_cidr(name: &str, net: Net, other: &str) -> Result<bool, BuiltinError> {
    if let Some(ip) = parse_ip(other) {
        let (bits, addr) = addr_bits(ip);
        return Ok(net.contains_addr(bits, addr));
    }
    let inner = parse_cidr(other).map_err(|msg| failed(name, msg))?;
    Ok(net.contains(inner))
}

fn cidr_contains(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "net.cidr_contains";
    let (_, net) = cidr_arg(name, args, 1)?;
    let other = operands::string(name, args, 2)?;
    Ok(contains_ip_or_cidr(name, net, other)?.into())
}

fn cidr_intersects(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "net.cidr_intersects";
    let (_, x) = cidr_arg(name, args, 1)?;
    let (_, y) = cidr_arg(name, args, 2)?;
    let overlap = x.contains_addr(y.bits, y.start) || y.contains_addr(x.bits, x.start);
    Ok(overlap.into())
}

fn cidr_is_valid(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let valid = args
        .first()
        .and_then(Value::as_str)
        .is_some_and(|text| parse_cidr(text).is_ok());
    Ok(valid.into())
}

fn cidr_expand(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "net.cidr_expand";
    let (_, net) = cidr_arg(name, args, 1)?;
    if net.host_mask() >= EXPAND_LIMIT {
        return Err(failed(
            name,
            format!("CIDR too large to expand: more than {EXPAND_LIMIT} addresses"),
        ));
    }
    Ok(set(
        (net.start..=net.end()).map(|addr| Value::string(&format_addr(net.bits, addr)))
    ))
}

/// The smallest list of networks covering `start..=end`.
fn range_to_nets(bits: u32, mut start: u128, end: u128) -> Vec<Net> {
    let mut nets = Vec::new();
    loop {
        // The largest aligned block starting at `start` that ends by `end`.
        let mut host_bits = start.trailing_zeros().min(bits);
        while host_bits > 0 {
            let size_minus_one = if host_bits >= 128 {
                u128::MAX
            } else {
                (1_u128 << host_bits) - 1
            };
            if start
                .checked_add(size_minus_one)
                .is_some_and(|last| last <= end)
            {
                break;
            }
            host_bits -= 1;
        }
        let net = Net {
            bits,
            start,
            prefix: bits - host_bits,
        };
        nets.push(net);
        match net.end().checked_add(1) {
            Some(next) if net.end() < end => start = next,
            _ => return nets,
        }
    }
}

fn cidr_merge(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "net.cidr_merge";
    let mut nets: Vec<Net> = Vec::new();
    for item in operands::array_or_set(name, args, 1)? {
        let text = item.as_str().ok_or_else(|| {
            operands::type_error(name, 1, item, &["one of {array, set} of strings"])
        })?;
        let net = if text.contains('/') {
            parse_cidr(text).map_err(|msg| failed(name, msg))?
        } else {
            match parse_ip(text) {
                Some(IpAddr::V4(v4)) => {
                    // Go's classful default mask for a bare IPv4 address.
                    let prefix = match v4.octets().first() {
                        Some(first) if *first < 0x80 => 8,
                        Some(first) if *first < 0xc0 => 16,
                        _ => 24,
                    };
                    parse_cidr(&format!("{v4}/{prefix}")).map_err(|msg| failed(name, msg))?
                }
                Some(IpAddr::V6(_)) => {
                    return Err(failed(name, "IPv6 invalid: needs prefix length"));
                }
                None => return Err(failed(name, format!("invalid IP address: {text}"))),
            }
        };
        nets.push(net);
    }
    nets.sort();
    let mut merged: Vec<(u32, u128, u128)> = Vec::new();
    for net in nets {
        match merged.last_mut() {
            Some((bits, _, end))
                if *bits == net.bits && end.checked_add(1).is_none_or(|next| net.start <= next) =>
            {
                *end = (*end).max(net.end());
            }
            _ => merged.push((net.bits, net.start, net.end())),
        }
    }
    Ok(set(merged
        .into_iter()
        .flat_map(|(bits, start, end)| range_to_nets(bits, start, end))
        .map(|net| Value::string(&format_net(net)))))
}

/// The (key, address text) pairs of a `cidr_contains_matches` operand.
fn match_operand<'a>(
    name: &str,
    args: &'a [Value],
    pos: usize,
) -> Result<Vec<(Value, &'a str)>, BuiltinError> {
    let element_error = || {
        failed(
            name,
            format!("operand {pos}: element must be string or non-empty array"),
        )
    };
    let address = |element: &'a Value| -> Result<&'a str, BuiltinError> {
        match element {
            Value::String(s) => Ok(s),
            Value::Array(items) => items
                .first()
                .and_then(Value::as_str)
                .ok_or_else(element_error),
            _ => Err(element_error()),
        }
    };
    match operands::arg(name, args, pos)? {
        Value::String(s) => Ok(vec![(Value::string(s), &**s)]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let key = Value::int(i64::try_from(i).unwrap_or(i64::MAX));
                Ok((key, address(item)?))
            })
            .collect(),
        Value::Set(items) => items
            .iter()
            .map(|item| Ok((item.clone(), address(item)?)))
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(key, item)| Ok((key.clone(), address(item)?)))
            .collect(),
        other => Err(operands::type_error(
            name,
            pos,
            other,
            &["one of {string, array, set, object}"],
        )),
    }
}

fn cidr_contains_matches(_: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "net.cidr_contains_matches";
    let cidrs = match_operand(name, args, 1)?;
    let others = match_operand(name, args, 2)?;
    let mut pairs = BTreeSet::new();
    for (cidr_key, cidr) in &cidrs {
        let net = parse_cidr(cidr).map_err(|msg| failed(name, msg))?;
        for (other_key, other) in &others {
            if contains_ip_or_cidr(name, net, other)? {
                pairs.insert(array(vec![cidr_key.clone(), other_key.clone()]));
            }
        }
    }
    Ok(set(pairs))
}

/// The opt-in `net.lookup_ip_addr`; the compiler resolves calls to it only
/// with a [`crate::net::NetPolicy`] ([`crate::CompileOptions::net`]).
pub(crate) static NET_LOOKUP_IP_ADDR: Builtin = Builtin::new(
    CATEGORY,
    "net.lookup_ip_addr",
    1,
    lookup_ip_addr,
    "Returns the set of IP addresses of an allowed host name (`--allow-net`); an IP literal returns itself.",
);

fn lookup_ip_addr(ctx: &BuiltinContext, args: &[Value]) -> Result<Value, BuiltinError> {
    let name = "net.lookup_ip_addr";
    let host = operands::string(name, args, 1)?;
    let Some(policy) = ctx.net.as_deref() else {
        let reason = crate::builtins::unsupported_reason(name).unwrap_or("");
        return Err(failed(name, format!("builtin is not supported: {reason}")));
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(set([Value::string(&ip.to_string())]));
    }
    if !policy.allows(host, None) {
        return Err(failed(
            name,
            format!("host {host} is not allowed (allow it with --allow-net {host})"),
        ));
    }
    let addrs = policy
        .transport
        .lookup_ip_addr(host, policy.timeout)
        .map_err(|e| failed(name, format!("lookup {host}: {e}")))?;
    Ok(set(addrs.iter().map(|ip| Value::string(&ip.to_string()))))
}

#[cfg(test)]
mod tests;
