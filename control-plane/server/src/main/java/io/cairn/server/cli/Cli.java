package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cairn.tls.ClientTls;
import io.cairn.tls.TlsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * {@code cairn <command>}: the client side of the {@code cairn} command. Reads {@code --http-addr}
 * (or {@code CAIRN_HTTP_ADDR}, {@code CONSUL_HTTP_ADDR}) and {@code --token} (or {@code
 * CAIRN_HTTP_TOKEN}, {@code CONSUL_HTTP_TOKEN}), so it works against Consul too.
 */
public final class Cli {
  public static final String USAGE =
      """
      client commands (talk to a running Cairn; --http-addr URL, --token T, --json;
      for https://: --ca-file PEM, and for mTLS --client-cert PEM --client-key PEM):
        services                                  services and their tags
        instances <service> [--passing] [--tag T] [--filter EXPR]
                                                  every instance: address, status, checks
                                                  (`health` is the same command)
        register <file|dir|->...                  register instances (Consul's JSON; a file may
                                                  hold an array; a dir means its *.json files)
        deregister <id>                           remove a service instance
        maint <id> on|off [--reason TEXT]         maintenance mode
        check pass|warn|fail <check-id> [--note TEXT]
                                                  report a TTL check
        split <service> [<target>=<weight>...]    show, or set, the service's traffic split;
                                                  target: SUBSET, SERVICE/ or SERVICE/SUBSET
                                                  (e.g. split web v1=90 v2=10)
        proxies                                   connected xDS clients: ACKed versions, last NACK
        config write <file|dir|->...              create or replace config entries
        config read <kind> <name>                 show one config entry
        config list <kind>                        list entries of a kind
        config delete <kind> <name>               delete a config entry
        intention list                            every intention in evaluation order
        intention allow|deny <source> <destination>
        intention delete <source> <destination>
        intention check <source> <destination>    would a connection be allowed?
        acl bootstrap                             make the first management token (once)
        acl policy create <name> <rules-file|->   a policy from HCL or JSON rules
        acl policy list | read <name> | delete <name>
        acl token create [--policy P,..] [--service-identity S,..] [--description D]
                                                  a token; prints its AccessorID and SecretID
        acl token list | self | delete <accessor-id>
        kv get <key> [--detailed] [--recurse] [--base64]
                                                  a key's value (its bytes), or a prefix's keys
        kv put <key> [<value>|-|@file] [--base64] [--flags N] [--cas INDEX]
               [--acquire|--release SESSION]      (-- ends the options: put k -- --text)
        kv delete <key> [--recurse] [--cas INDEX]
        kv ls [<prefix>] [--recurse]              keys under a prefix, folders cut at /
        lock <prefix> <command...>                run a command holding the lock <prefix>/.lock
        connect certs --service S --dir DIR [--once]
                                                  write S's mesh certificate to DIR/cert.pem,
                                                  key.pem (0600) and ca.pem (every root); then
                                                  rewrite them at each renewal or rotation

      exit status: 0 ok; 1 refused by the server, not applied, or some items failed;
      2 usage error; 3 cannot reach the server. More: docs/cli.md""";

  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final PrintStream out;
  private final InputStream in;
  private final Map<String, String> env;

  public Cli(PrintStream out, InputStream in, Map<String, String> env) {
    this.out = out;
    this.in = in;
    this.env = env;
  }

  /** Runs one command; returns the exit status. Errors and progress go to {@code err}. */
  public int run(List<String> args, PrintStream err) {
    String command = "";
    try {
      Args a = Args.parse(args);
      command = a.words().isEmpty() ? "" : a.words().getFirst();
      if (a.flag("help")) {
        out.println(usage(command));
        return 0;
      }
      ApiClient api = new ApiClient(address(a), token(a), tls(a));
      Progress.Style progress =
          Progress.Style.of(Optional.ofNullable(env.get("CAIRN_PROGRESS")).orElse("lines"));
      new Commands(api, a, out, err, in, progress, PRETTY).run();
      return 0;
    } catch (CliException e) {
      err.println("cairn: " + e.getMessage());
      if (e.status() == CliException.USAGE) {
        err.println(usage(command));
      }
      return e.status();
    }
  }

  /** The usage lines of {@code command}, or all of them for a command we do not know. */
  static String usage(String command) {
    String name = command.equals("health") ? "instances" : command;
    List<String> lines = USAGE.lines().toList();
    List<String> mine = new ArrayList<>();
    boolean inside = false;
    for (String line : lines) {
      if (line.startsWith("  ") && !line.startsWith("   ")) {
        inside = line.strip().split("\\s+")[0].equals(name);
      } else if (!line.startsWith("   ")) {
        inside = false;
      }
      if (inside) {
        mine.add(line);
      }
    }
    return mine.isEmpty() ? USAGE : "usage:\n" + String.join("\n", mine);
  }

  private URI address(Args a) {
    String value =
        a.option("http-addr")
            .or(() -> Optional.ofNullable(env.get("CAIRN_HTTP_ADDR")))
            .or(() -> Optional.ofNullable(env.get("CONSUL_HTTP_ADDR")))
            .orElse("http://127.0.0.1:8500");
    if (!value.contains("://")) {
      value = "http://" + value;
    }
    return URI.create(value.endsWith("/") ? value : value + "/");
  }

  /**
   * TLS files for {@code https://} addresses, named like Consul's: {@code --ca-file} ({@code
   * CAIRN_CACERT}, {@code CONSUL_CACERT}), {@code --client-cert} and {@code --client-key}.
   */
  private Optional<SSLContext> tls(Args a) {
    Optional<Path> ca = file(a, "ca-file", "CACERT");
    Optional<Path> cert = file(a, "client-cert", "CLIENT_CERT");
    Optional<Path> key = file(a, "client-key", "CLIENT_KEY");
    if (ca.isEmpty() && cert.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ClientTls.context(ca, cert, key));
    } catch (TlsException e) {
      throw new CliException(CliException.USAGE, "TLS files: " + e.getMessage());
    }
  }

  private Optional<Path> file(Args a, String option, String variable) {
    return a.option(option)
        .or(() -> Optional.ofNullable(env.get("CAIRN_" + variable)))
        .or(() -> Optional.ofNullable(env.get("CONSUL_" + variable)))
        .filter(f -> !f.isEmpty())
        .map(Path::of);
  }

  private Optional<String> token(Args a) {
    return a.option("token")
        .or(() -> Optional.ofNullable(env.get("CAIRN_HTTP_TOKEN")))
        .or(() -> Optional.ofNullable(env.get("CONSUL_HTTP_TOKEN")))
        .filter(t -> !t.isEmpty());
  }

  /** Positional words and {@code --name value} options (flags take no value). */
  record Args(List<String> words, Map<String, String> options) {
    private static final List<String> FLAGS =
        List.of("passing", "json", "help", "recurse", "detailed", "base64", "once");

    /** Options every client command takes: where the server is and how to talk to it. */
    private static final Set<String> CONNECTION =
        Set.of("http-addr", "token", "ca-file", "client-cert", "client-key", "help");

    static Args parse(List<String> args) {
      List<String> words = new ArrayList<>();
      Map<String, String> options = new java.util.LinkedHashMap<>();
      boolean optionsEnded = false;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        if (!optionsEnded && arg.equals("--")) {
          optionsEnded = true;
        } else if (!optionsEnded && arg.startsWith("--")) {
          String name = arg.substring(2);
          int eq = name.indexOf('=');
          if (eq > 0) {
            options.put(name.substring(0, eq), name.substring(eq + 1));
          } else if (FLAGS.contains(name)) {
            options.put(name, "true");
          } else if (i + 1 < args.size()) {
            options.put(name, args.get(++i));
          } else {
            throw new CliException(CliException.USAGE, "--" + name + " needs a value");
          }
        } else {
          words.add(arg);
        }
      }
      return new Args(words, options);
    }

    /**
     * Refuses (usage error) an option the command named by the first {@code commandWords} words
     * does not act on (the connection options aside), and more than {@code maxArguments} words
     * after them.
     */
    void accept(int commandWords, int maxArguments, String... names) {
      String command = String.join(" ", words.subList(0, Math.min(commandWords, words.size())));
      Set<String> known = Set.of(names);
      for (String name : options.keySet()) {
        if (!known.contains(name) && !CONNECTION.contains(name)) {
          throw new CliException(CliException.USAGE, command + " does not take --" + name);
        }
      }
      if (words.size() > commandWords + maxArguments) {
        throw new CliException(
            CliException.USAGE,
            command
                + (maxArguments == 0
                    ? " takes no arguments"
                    : " takes at most "
                        + maxArguments
                        + (maxArguments == 1 ? " argument" : " arguments"))
                + "; unexpected '"
                + words.get(commandWords + maxArguments)
                + "'");
      }
    }

    Optional<String> option(String name) {
      return Optional.ofNullable(options.get(name));
    }

    boolean flag(String name) {
      return options.containsKey(name);
    }

    String word(int i, String what) {
      if (i >= words.size()) {
        throw new CliException(CliException.USAGE, "missing " + what);
      }
      return words.get(i);
    }
  }

  static String render(ObjectMapper pretty, JsonNode json) {
    try {
      return pretty.writeValueAsString(json);
    } catch (IOException e) {
      return json.toString();
    }
  }
}
