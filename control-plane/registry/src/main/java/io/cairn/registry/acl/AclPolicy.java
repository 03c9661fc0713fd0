package io.cairn.registry.acl;

import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A named set of rules (Consul's ACL policy). The rules are kept as written, so they read back the
 * same, and are checked when the policy is made.
 *
 * @param id a UUID
 * @param name unique among policies: letters, digits, '-' and '_', at most 128
 * @param rules HCL or JSON rules ({@link RulesParser})
 * @param datacenters kept for Consul clients; Cairn has one datacenter
 */
public record AclPolicy(
    String id, String name, String description, String rules, List<String> datacenters) {
  private static final Pattern NAME = Pattern.compile("(builtin/)?[A-Za-z0-9_-]{1,128}");
  public static final int MAX_DESCRIPTION = 1024;

  public AclPolicy {
    Problems p = new Problems();
    AclIds.check(p, "ID", id);
    if (name == null || !NAME.matcher(name).matches()) {
      p.add("Name", "must be 1 to 128 letters, digits, '-' or '_'");
    }
    description = description == null ? "" : description;
    p.check(description.length() <= MAX_DESCRIPTION, "Description", "is over 1024 characters");
    rules = rules == null ? "" : rules;
    RulesParser.parse(p, rules);
    datacenters = datacenters == null ? List.of() : List.copyOf(datacenters);
    p.throwIfAny();
  }

  /** The rules, parsed (they were checked when the policy was made). */
  public AclRules parsedRules() {
    return RulesParser.parse(rules);
  }
}
