using FusionCluster.Evaluation.Evaluators;

namespace FusionCluster.Silo;

/// <summary>
/// fusion-silo's options: command-line switches and FUSION_* environment variables, both mapped onto
/// configuration keys. Any configuration key also works as <c>--Section:Key value</c> or as an
/// environment variable (<c>Fusion__Storage__...</c>), so settings read by other layers pass through.
/// </summary>
public static class SiloCommandLine
{
    public const string Redis = "Fusion:Silo:Redis";
    public const string ClusterId = "Fusion:Silo:ClusterId";

    /// <summary>The same key the dashboard reads, so one setting names a release's service everywhere.</summary>
    public const string ServiceId = "Fusion:Cluster:ServiceId";
    public const string HealthPort = "Fusion:Silo:Health:Port";
    public const string MetricsPort = "Fusion:Silo:Metrics:Port";

    /// <summary>true: one JSON object per log line (AddJsonConsole), for log collectors.</summary>
    public const string JsonLogs = "Fusion:Logging:Json";
    public const string Name = "Fusion:Silo:Name";
    public const string SiloPort = "Fusion:Silo:SiloPort";
    public const string GatewayPort = "Fusion:Silo:GatewayPort";
    public const string Advertise = "Fusion:Silo:Advertise";
    public const string Role = "Fusion:Silo:Role";
    public const string UnitSlots = "Fusion:Silo:UnitSlots";
    public const string Device = "Fusion:Silo:Device";
    public const string Memory = "Fusion:Silo:Memory";
    public const string ShutdownTimeout = "Fusion:Silo:ShutdownTimeoutSeconds";
    public const string BlobConnection = "Fusion:Storage:Azure:ConnectionString";

    /// <summary>Whether sweeps' command evaluators run here (off by default; the flag --allow-command-evaluator).</summary>
    public const string AllowCommandEvaluator = CommandEvaluatorOptions.Section + ":Enabled";

    /// <summary>Local folders the storage layer may read and write: an array (LocalRoots:0, :1, ...).</summary>
    public const string LocalRoots = "Fusion:Storage:LocalRoots";

    public const string Usage = """
        usage: fusion-silo --redis <host:port> [options]

          --redis <conn>             Redis for membership, grain state and reminders (env FUSION_REDIS); required
          --cluster-id <id>          Orleans cluster id (env FUSION_CLUSTER_ID; default fusion-local)
          --service-id <id>          Orleans service id: keys of grain state, reminders and membership in Redis
                                     (env FUSION_SERVICE_ID; default fusion); releases sharing a Redis need different ones
          --health-port <port>       HTTP port for /healthz/live and /healthz/ready (env FUSION_HEALTH_PORT; default: none)
          --metrics-port <port>      HTTP port serving Prometheus metrics at /metrics: Orleans' meters and FusionCluster's
                                     (env FUSION_METRICS_PORT; default: none)
          --json-logs true           log one JSON object per line (env FUSION_JSON_LOGS; Fusion:Logging:Json)
          --name <name>              silo name (default POD_NAME, else <machine>-<silo port>)
          --silo-port <port>         silo-to-silo port (default 11111)
          --gateway-port <port>      client gateway port (default 30000)
          --advertise <ip>           address other silos and clients use (default POD_IP, else 127.0.0.1)
          --role worker|coordinator  what this silo does (env FUSION_ROLE; default worker)
          --unit-slots <n>           work units run at once (default min(cores, memory / 2 GiB), at least 1)
          --memory <size>            memory for work units, e.g. 16GiB (default: the memory available now)
          --device auto|cpu|cuda     what this silo offers (env FUSION_DEVICE; default auto: cuda when libtorch-cuda sees a GPU, else cpu)
          --blob-connection <conn>   Azure Blob Storage connection string (env FUSION_BLOB_CONNECTION)
          --data-root <dir>          local folder for models and results; repeat or comma-separate for several
          --shutdown-timeout <s>     seconds a graceful stop may take (default 30)
          --allow-command-evaluator  run the shell commands of sweeps' command evaluators here (off by default:
                                     anyone who may create sweeps could run any command as this silo's user)
          --<Section:Key> <value>    any other configuration key, for example --Fusion:Silo:Membership:ProbeTimeout 00:00:02

        Prints "fusion-silo ready name=... role=... silo-port=... gateway-port=... slots=... device=..." once started.
        SIGTERM or Ctrl-C stops it gracefully.
        """;

    /// <summary>Switches and the configuration keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--redis"] = Redis,
        ["--cluster-id"] = ClusterId,
        ["--service-id"] = ServiceId,
        ["--health-port"] = HealthPort,
        ["--metrics-port"] = MetricsPort,
        ["--json-logs"] = JsonLogs,
        ["--name"] = Name,
        ["--silo-port"] = SiloPort,
        ["--gateway-port"] = GatewayPort,
        ["--advertise"] = Advertise,
        ["--role"] = Role,
        ["--unit-slots"] = UnitSlots,
        ["--memory"] = Memory,
        ["--device"] = Device,
        ["--blob-connection"] = BlobConnection,
        ["--shutdown-timeout"] = ShutdownTimeout,
    };

    /// <summary>Environment variables and the configuration keys they set; switches win over them.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["FUSION_REDIS"] = Redis,
        ["FUSION_CLUSTER_ID"] = ClusterId,
        ["FUSION_SERVICE_ID"] = ServiceId,
        ["FUSION_HEALTH_PORT"] = HealthPort,
        ["FUSION_METRICS_PORT"] = MetricsPort,
        ["FUSION_JSON_LOGS"] = JsonLogs,
        ["FUSION_ROLE"] = Role,
        ["FUSION_DEVICE"] = Device,
        ["FUSION_BLOB_CONNECTION"] = BlobConnection,
    };

    private const string DataRootSwitch = "--data-root";

    public static bool IsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>The FUSION_* variables that are set, as configuration entries.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(Func<string, string?> getVariable) =>
        EnvironmentMappings
            .Select(mapping => (Key: mapping.Value, Value: getVariable(mapping.Key)))
            .Where(entry => !string.IsNullOrEmpty(entry.Value))
            .Select(entry => new KeyValuePair<string, string?>(entry.Key, entry.Value));

    /// <summary>
    /// Checks the switches and rewrites the repeatable <c>--data-root</c> into array entries, returning
    /// arguments for <c>AddCommandLine(args, SwitchMappings)</c>. The configuration library accepts any
    /// <c>--word</c> as a key, so a mistyped switch would be ignored silently; this refuses it instead.
    /// </summary>
    /// <exception cref="SiloConfigurationException">An unknown switch, a switch without a value, or a stray argument.</exception>
    public static IReadOnlyList<string> Normalize(IReadOnlyList<string> args)
    {
        List<string> result = [];
        List<string> dataRoots = [];
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                throw new SiloConfigurationException($"unexpected argument '{argument}' (options start with --; see --help)");
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? argument : argument[..equals];
            string value;
            if (name == CommandEvaluatorOptions.Switch)
            {
                // A flag: no value follows (--allow-command-evaluator=false turns it off explicitly).
                result.Add($"--{AllowCommandEvaluator}");
                result.Add(equals >= 0 ? argument[(equals + 1)..] : "true");
                continue;
            }

            if (equals >= 0)
            {
                value = argument[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                throw new SiloConfigurationException($"{name} needs a value");
            }

            if (name == DataRootSwitch)
            {
                dataRoots.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else if (SwitchMappings.ContainsKey(name) || name.Contains(':', StringComparison.Ordinal))
            {
                result.Add(name);
                result.Add(value);
            }
            else
            {
                throw new SiloConfigurationException($"unknown option {name} (see --help)");
            }
        }

        for (var i = 0; i < dataRoots.Count; i++)
        {
            result.Add($"--{LocalRoots}:{i}");
            result.Add(dataRoots[i]);
        }

        return result;
    }
}
