package io.cairn.admin.connect;

import io.cairn.admin.json.GoDuration;
import io.cairn.ca.Leaf;
import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaRoot;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.model.Indexed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Consul's JSON shapes for the CA: {@code IndexedCARoots}, {@code IssuedCert}, the config. */
final class CaJson {
  private CaJson() {}

  /** The roots as Consul lists them; private keys are never part of it. */
  static Map<String, Object> roots(Indexed<CaSetup> indexed) {
    CaSetup ca = indexed.value();
    List<Map<String, Object>> roots = new ArrayList<>();
    for (CaRoot r : ca.roots()) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("ID", r.id());
      root.put("Name", r.name());
      root.put("SerialNumber", r.serialNumber());
      root.put("SigningKeyID", r.signingKeyId());
      root.put("ExternalTrustDomain", ca.trustDomain());
      root.put("NotBefore", time(r.notBefore()));
      root.put("NotAfter", time(r.notAfter()));
      root.put("RootCert", r.rootCertPem());
      root.put("IntermediateCerts", r.intermediateCertPems());
      root.put("Active", r.id().equals(ca.activeRootId()));
      root.put("PrivateKeyType", r.privateKeyType());
      root.put("PrivateKeyBits", r.privateKeyBits());
      root.put("CreateIndex", indexed.createIndex());
      root.put("ModifyIndex", indexed.modifyIndex());
      roots.add(root);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ActiveRootID", ca.activeRootId());
    out.put("TrustDomain", ca.trustDomain());
    out.put("Roots", roots);
    return out;
  }

  static Map<String, Object> leaf(Leaf leaf, long index) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("SerialNumber", leaf.serialNumber());
    out.put("CertPEM", leaf.certPem());
    out.put("PrivateKeyPEM", leaf.privateKeyPem());
    out.put("Service", leaf.id().service());
    out.put("ServiceURI", leaf.id().toString());
    out.put("ValidAfter", time(leaf.validAfter()));
    out.put("ValidBefore", time(leaf.validBefore()));
    out.put("Datacenter", leaf.id().datacenter());
    out.put("CreateIndex", index);
    out.put("ModifyIndex", index);
    return out;
  }

  static Map<String, Object> configuration(Indexed<CaSetup> indexed) {
    CaConfiguration c = indexed.value().config();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("LeafCertTTL", GoDuration.format(c.leafCertTtl()));
    config.put("PrivateKeyType", c.privateKeyType());
    config.put("PrivateKeyBits", c.privateKeyBits());
    config.put("RootCertTTL", GoDuration.format(c.rootCertTtl()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Provider", "consul");
    out.put("Config", config);
    out.put("State", null);
    out.put("ForceWithoutCrossSigning", false);
    out.put("CreateIndex", indexed.createIndex());
    out.put("ModifyIndex", indexed.modifyIndex());
    return out;
  }

  private static String time(Instant t) {
    return t.toString();
  }
}
