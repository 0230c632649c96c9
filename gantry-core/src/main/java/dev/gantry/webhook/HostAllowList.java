package dev.gantry.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which hosts webhooks may call. Each entry is one of:
 *
 * <ul>
 *   <li>a host name or IP address ({@code hooks.example.com}, {@code 10.0.0.7}, {@code ::1}): that
 *       host, whatever addresses it has;
 *   <li>{@code *.example.com}: every host under {@code example.com} (not {@code example.com}
 *       itself), whatever addresses they have;
 *   <li>{@code *}: any other host whose every address is public: not loopback, private
 *       (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata
 *       address, fe80::/10), carrier-grade NAT (100.64/10), unspecified, multicast or reserved.
 * </ul>
 *
 * <p>A webhook URL is checked twice: when it is enqueued ({@link #check(URI)}: its host must match
 * an entry; under {@code *} an IP address or {@code localhost} must be public), and before every
 * delivery attempt ({@link #refusal(URI)}: under {@code *} the host's addresses are looked up and
 * must all be public, so that a name pointing at an internal address is refused too). The second
 * look-up and the HTTP client's own are separate, so a host whose DNS answers change between them
 * (DNS rebinding) can still reach an internal address under {@code *}: where that matters, list
 * the allowed hosts instead.
 *
 * <p>{@link #anyPublicHost()} ({@code *}) is the library's default. {@link #none()} allows no host
 * at all (webhooks switched off); the HTTP server starts with it unless
 * {@code GANTRY_WEBHOOK_ALLOWED_HOSTS} is set. Immutable and thread-safe.
 */
public final class HostAllowList {
  private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
  private static final HostAllowList NONE = new HostAllowList(List.of(), Set.of(), List.of(), false);
  private static final HostAllowList ANY_PUBLIC = new HostAllowList(List.of("*"), Set.of(), List.of(), true);

  private final List<String> entries;
  private final Set<String> exact;
  private final List<String> suffixes;
  private final boolean anyPublic;

  private HostAllowList(List<String> entries, Set<String> exact, List<String> suffixes, boolean anyPublic) {
    this.entries = entries;
    this.exact = exact;
    this.suffixes = suffixes;
    this.anyPublic = anyPublic;
  }

  /** {@code *}: any host whose every address is public (the library's default). */
  public static HostAllowList anyPublicHost() {
    return ANY_PUBLIC;
  }

  /** No host: every webhook URL is refused. */
  public static HostAllowList none() {
    return NONE;
  }

  /**
   * The hosts these entries allow; see the class description for their forms.
   *
   * @throws IllegalArgumentException naming the entry that is none of the forms (a URL, a port or
   *     a path is not a host)
   */
  public static HostAllowList of(String... entries) {
    return of(Arrays.asList(entries));
  }

  /** As {@link #of(String...)}; an empty collection is {@link #none()}. */
  public static HostAllowList of(Collection<String> entries) {
    Set<String> normalised = new LinkedHashSet<>();
    Set<String> exact = new LinkedHashSet<>();
    List<String> suffixes = new ArrayList<>();
    boolean anyPublic = false;
    for (String entry : entries) {
      String e = entry == null ? "" : normalise(entry.strip());
      if (e.equals("*")) {
        anyPublic = true;
      } else if (e.startsWith("*.") && HOST_NAME.matcher(e.substring(2)).matches()) {
        suffixes.add(e.substring(1)); // ".example.com"
      } else if (HOST_NAME.matcher(e).matches() || isIpLiteral(e)) {
        exact.add(e);
      } else {
        throw new IllegalArgumentException("webhook allowed host must be a host name, an IP address, *.domain or *,"
            + " got: '" + entry + "'");
      }
      normalised.add(e);
    }
    if (normalised.isEmpty()) {
      return NONE;
    }
    return new HostAllowList(List.copyOf(normalised), Set.copyOf(exact), List.copyOf(suffixes), anyPublic);
  }

  /**
   * Entries separated by commas or white space, as in {@code GANTRY_WEBHOOK_ALLOWED_HOSTS}
   * ({@code "hooks.example.com, *.partner.io"}); blank is {@link #none()}.
   *
   * @throws IllegalArgumentException naming an entry that is not valid
   */
  public static HostAllowList parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    return of(Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList());
  }

  /** Whether no host at all is allowed. */
  public boolean isNone() {
    return entries.isEmpty();
  }

  /** The entries, normalised (lower case, without a trailing dot or IPv6 brackets), in the order given. */
  public List<String> entries() {
    return entries;
  }

  /**
   * The enqueue-time check: the URL's host matches an entry, or, under {@code *}, is a name other
   * than {@code localhost} or a public IP address. Looks nothing up.
   *
   * @throws IllegalArgumentException naming {@code webhook_url} and why its host is not allowed
   */
  public void check(URI url) {
    String host = normalise(url.getHost() == null ? "" : url.getHost());
    if (host.isEmpty()) {
      throw new IllegalArgumentException("webhook_url must name a host, got: " + url);
    }
    if (listed(host)) {
      return;
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("webhook_url: no webhook host is allowed here (the allow-list is empty),"
          + " got host '" + host + "'");
    }
    if (!anyPublic) {
      throw new IllegalArgumentException("webhook_url: host '" + host + "' is not in the webhook host allow-list");
    }
    String why = host.equals("localhost") || host.endsWith(".localhost") ? "names this machine"
        : isIpLiteral(host) ? nonPublic(literal(host)) : null;
    if (why != null) {
      throw new IllegalArgumentException("webhook_url: host '" + host + "' " + why + "; only public hosts are"
          + " allowed unless the allow-list names it");
    }
  }

  /**
   * The delivery-time check: null when the URL may be called, else why not (recorded as the
   * delivery's error, which is then dead). Under {@code *}, looks the host's addresses up.
   *
   * @throws UnknownHostException if the host's addresses cannot be found now (a failed attempt,
   *     retried: DNS failures are often brief)
   */
  public String refusal(URI url) throws UnknownHostException {
    String host = normalise(url.getHost() == null ? "" : url.getHost());
    if (host.isEmpty()) {
      return "host not allowed: the URL names no host";
    }
    if (listed(host)) {
      return null;
    }
    if (!anyPublic) {
      return "host not allowed: " + host + " is not in the webhook host allow-list";
    }
    for (InetAddress address : InetAddress.getAllByName(host)) {
      String why = nonPublic(address);
      if (why != null) {
        return "host not allowed: " + host + " resolves to " + address.getHostAddress() + ", which " + why
            + "; only public addresses are allowed unless the allow-list names the host";
      }
    }
    return null;
  }

  private boolean listed(String host) {
    if (exact.contains(host)) {
      return true;
    }
    for (String suffix : suffixes) {
      if (host.endsWith(suffix) && host.length() > suffix.length()) {
        return true;
      }
    }
    return false;
  }

  /** Why the address is not public, or null when it is. */
  static String nonPublic(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return "is a loopback address";
    }
    if (a.isAnyLocalAddress()) {
      return "is the unspecified address";
    }
    if (a.isLinkLocalAddress()) {
      return "is a link-local address";
    }
    if (a.isSiteLocalAddress()) {
      return "is a private address";
    }
    if (a.isMulticastAddress()) {
      return "is a multicast address";
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0 || first >= 240) {
        return "is a reserved address";
      }
      if (first == 100 && second >= 64 && second < 128) {
        return "is a carrier-grade NAT (shared) address";
      }
      if (first == 198 && (second == 18 || second == 19)) {
        return "is a reserved (benchmarking) address";
      }
      if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
        return "is a reserved (IETF protocol) address";
      }
    } else if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return "is a private (unique local) address";
      }
      boolean v4Compatible = true;
      for (int i = 0; i < 12; i++) {
        v4Compatible &= b[i] == 0;
      }
      if (v4Compatible) {
        return "is a reserved (IPv4-compatible) address";
      }
    }
    return null;
  }

  /** Dotted IPv4 with every part at most 255, or IPv6 (Java looks neither up: a ':' marks IPv6). */
  private static boolean isIpLiteral(String host) {
    if (IPV4.matcher(host).matches()) {
      return Arrays.stream(host.split("\\.")).allMatch(part -> Integer.parseInt(part) <= 255);
    }
    if (!host.contains(":") || !host.matches("[0-9a-f:.]+")) {
      return false;
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An IP literal as an address; no look-up is made for a literal. */
  private static InetAddress literal(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("webhook_url: host '" + host + "' is not a valid IP address", e);
    }
  }

  private static String normalise(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    // A trailing dot names the same host ("example.com." is "example.com"); "*." is no entry.
    return h.endsWith(".") && h.length() > 1 && !h.equals("*.") ? h.substring(0, h.length() - 1) : h;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostAllowList other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return entries.isEmpty() ? "HostAllowList[none]" : "HostAllowList" + entries;
  }
}
