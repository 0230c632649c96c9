package dev.gantry.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HostAllowListTest {
  private static URI url(String host) {
    return URI.create("https://" + host + "/hook");
  }

  @Test
  void exactHostsAndWildcardSubdomainsAreAllowedAndNothingElse() throws Exception {
    HostAllowList list = HostAllowList.parse("Hooks.Example.com, *.partner.io 10.0.0.7");

    for (String allowed : new String[] {"hooks.example.com", "HOOKS.example.com.", "a.partner.io", "x.y.partner.io",
        "10.0.0.7"}) {
      assertThatCode(() -> list.check(url(allowed))).as(allowed).doesNotThrowAnyException();
      assertThat(list.refusal(url(allowed))).as(allowed).isNull();
    }
    for (String refused : new String[] {"example.com", "evil-hooks.example.com", "partner.io", "partner.io.evil.com",
        "10.0.0.8"}) {
      assertThatThrownBy(() -> list.check(url(refused))).as(refused).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("webhook_url: host '" + refused + "' is not in the webhook host allow-list");
      assertThat(list.refusal(url(refused))).as(refused).startsWith("host not allowed: " + refused);
    }
  }

  @Test
  void anyPublicHostRefusesThisMachineAndPrivateAddresses() throws Exception {
    HostAllowList list = HostAllowList.anyPublicHost();

    assertThatCode(() -> list.check(url("hooks.example.com"))).doesNotThrowAnyException();
    assertThatCode(() -> list.check(url("93.184.215.14"))).doesNotThrowAnyException();
    for (String host : new String[] {"localhost", "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "[::1]", "[fd00::1]", "[fe80::1]"}) {
      assertThatThrownBy(() -> list.check(url(host))).as(host).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("webhook_url: host '").hasMessageContaining("only public hosts are allowed");
    }
    // At delivery the host's addresses decide (literals need no DNS).
    assertThat(list.refusal(url("10.1.2.3"))).contains("private address");
    assertThat(list.refusal(url("169.254.169.254"))).contains("link-local");
    assertThat(list.refusal(url("93.184.215.14"))).isNull();
  }

  @Test
  void namingAPrivateHostExplicitlyAllowsIt() throws Exception {
    HostAllowList list = HostAllowList.of("127.0.0.1", "*", "::1");

    assertThatCode(() -> list.check(url("127.0.0.1"))).doesNotThrowAnyException();
    assertThatCode(() -> list.check(url("[::1]"))).doesNotThrowAnyException();
    assertThat(list.refusal(url("127.0.0.1"))).isNull();
    assertThatThrownBy(() -> list.check(url("10.0.0.1"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noneAllowsNoHost() {
    assertThat(HostAllowList.parse("  ")).isEqualTo(HostAllowList.none());
    assertThat(HostAllowList.none().isNone()).isTrue();
    assertThatThrownBy(() -> HostAllowList.none().check(url("hooks.example.com")))
        .hasMessageStartingWith("webhook_url: no webhook host is allowed here");
  }

  @Test
  void entriesThatAreNoHostsAreRefusedByName() {
    for (String bad : new String[] {"https://hooks.example.com", "hooks.example.com:443", "hooks.example.com/path",
        "*example.com", "*.", "a b"}) {
      assertThatThrownBy(() -> HostAllowList.of(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("webhook allowed host must be a host name, an IP address, *.domain or *");
    }
  }
}
