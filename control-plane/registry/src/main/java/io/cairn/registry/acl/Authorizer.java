package io.cairn.registry.acl;

/**
 * What one token may do, resource by resource. Every answer is an {@link Access}; a resource no
 * rule speaks of gets what the default policy says.
 */
public interface Authorizer {
  /** Everything: the management token, or any request while ACLs are off. */
  Authorizer ALLOW_ALL = new Fixed(Access.WRITE);

  /** Nothing: the fallback of a default-deny policy. */
  Authorizer DENY_ALL = new Fixed(Access.DENY);

  Access service(String name);

  /** Access to the intentions whose destination is {@code service}. */
  Access intentions(String service);

  Access node(String name);

  Access agent(String node);

  /** Access to KV key {@code key}. */
  Access key(String key);

  /**
   * Whether every key under {@code prefix} may be written (Consul's {@code KeyWritePrefix}, what a
   * recursive delete needs): write on the prefix, and no rule for a longer name that grants less.
   */
  boolean keyWritePrefix(String prefix);

  /** Access to the sessions of node {@code node}. */
  Access session(String node);

  Access operator();

  Access acl();

  Access mesh();

  /** The same answer for everything. */
  record Fixed(Access access) implements Authorizer {
    @Override
    public Access service(String name) {
      return access;
    }

    @Override
    public Access intentions(String service) {
      return access;
    }

    @Override
    public Access node(String name) {
      return access;
    }

    @Override
    public Access agent(String node) {
      return access;
    }

    @Override
    public Access key(String key) {
      return access;
    }

    @Override
    public boolean keyWritePrefix(String prefix) {
      return access == Access.WRITE;
    }

    @Override
    public Access session(String node) {
      return access;
    }

    @Override
    public Access operator() {
      return access;
    }

    @Override
    public Access acl() {
      return access;
    }

    @Override
    public Access mesh() {
      return access;
    }
  }
}
