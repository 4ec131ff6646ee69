using System.Globalization;
using System.Net;
using FusionCluster.Client;
using FusionCluster.Core.Execution;
using FusionCluster.Core.Methods;
using FusionCluster.Grains;
using FusionCluster.Grains.Abstractions;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace FusionCluster.Silo;

/// <summary>Everything fusion-silo needs to start, validated; built from configuration and the host's resources.</summary>
public sealed record SiloSettings
{
    public const string DefaultServiceId = FusionClusterIdentity.ServiceId;
    public const string DefaultClusterId = FusionClusterIdentity.DefaultClusterId;
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    /// <summary>Memory one work unit may need at most (its mapped tensors and chunk buffers), for the default slot count.</summary>
    public const long MemoryPerUnitSlot = UnitMemory.BytesPerUnit;

    private static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A StackExchange.Redis connection string ("host:port[,password=...]").</summary>
    public required string RedisConnection { get; init; }

    public required string ClusterId { get; init; }

    /// <summary>Orleans ServiceId: prefixes grain state and reminders in Redis, so releases sharing one Redis stay apart.</summary>
    public required string ServiceId { get; init; }

    /// <summary>Port of the /healthz HTTP endpoint; null: none.</summary>
    public required int? HealthPort { get; init; }

    /// <summary>Port of the Prometheus /metrics endpoint; null: none.</summary>
    public required int? MetricsPort { get; init; }

    /// <summary>Log one JSON object per line instead of plain text.</summary>
    public required bool JsonLogs { get; init; }

    public required string Name { get; init; }

    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    public required IPAddress AdvertisedAddress { get; init; }

    /// <summary>True on Kubernetes (POD_IP): listen on every interface, advertise the pod's address.</summary>
    public required bool ListenOnAnyHostAddress { get; init; }

    public required string Role { get; init; }

    public required int UnitSlots { get; init; }

    public required long MemoryBytes { get; init; }

    public required int Cores { get; init; }

    /// <summary>
    /// What the silo publishes: cuda when it can run the torch backend on a GPU (it then also runs cpu jobs),
    /// otherwise cpu. Jobs asking for cuda are only dispatched to cuda silos.
    /// </summary>
    public required string Device { get; init; }

    /// <summary>A GPU that is present but that this silo cannot use, with the reason, for a start-up note; null when none.</summary>
    public required string? UnusedGpu { get; init; }

    public required TimeSpan ShutdownTimeout { get; init; }

    /// <summary>
    /// Reads and checks the settings. <paramref name="getEnvironmentVariable"/> supplies POD_NAME and
    /// POD_IP (Kubernetes' downward API); <paramref name="detectGpu"/> runs only for --device auto;
    /// <paramref name="cudaUnavailableReason"/> (null when the torch backend can use CUDA, else why not) only
    /// for --device cuda, or auto with a GPU present.
    /// </summary>
    /// <exception cref="SiloConfigurationException">A setting is missing or invalid; the message names it.</exception>
    public static SiloSettings From(
        IConfiguration configuration,
        MachineResources machine,
        Func<string, string?> getEnvironmentVariable,
        Func<string?> detectGpu,
        Func<string?> cudaUnavailableReason)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        ArgumentNullException.ThrowIfNull(detectGpu);
        ArgumentNullException.ThrowIfNull(cudaUnavailableReason);

        var redis = configuration[SiloCommandLine.Redis];
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new SiloConfigurationException("--redis <host:port> (or FUSION_REDIS) is required: Redis holds the cluster's membership, grain state and reminders");
        }

        try
        {
            _ = ConfigurationOptions.Parse(redis);
        }
        catch (ArgumentException e)
        {
            throw new SiloConfigurationException($"--redis '{ClusterEndpoint.Redacted(redis)}': not a Redis connection string ({e.Message})");
        }

        var siloPort = ReadPort(configuration, SiloCommandLine.SiloPort, "--silo-port", DefaultSiloPort);
        var gatewayPort = ReadPort(configuration, SiloCommandLine.GatewayPort, "--gateway-port", DefaultGatewayPort);
        if (siloPort == gatewayPort)
        {
            throw new SiloConfigurationException($"--silo-port and --gateway-port are both {siloPort}; they must differ");
        }

        int? healthPort = string.IsNullOrWhiteSpace(configuration[SiloCommandLine.HealthPort])
            ? null
            : ReadPort(configuration, SiloCommandLine.HealthPort, "--health-port", 0);
        if (healthPort is { } health && (health == siloPort || health == gatewayPort))
        {
            throw new SiloConfigurationException($"--health-port {health} is also the silo or gateway port; it must differ");
        }

        int? metricsPort = string.IsNullOrWhiteSpace(configuration[SiloCommandLine.MetricsPort])
            ? null
            : ReadPort(configuration, SiloCommandLine.MetricsPort, "--metrics-port", 0);
        if (metricsPort is { } metrics && (metrics == siloPort || metrics == gatewayPort || metrics == healthPort))
        {
            throw new SiloConfigurationException($"--metrics-port {metrics} is also the silo, gateway or health port; it must differ");
        }

        var jsonLogs = configuration[SiloCommandLine.JsonLogs] is { Length: > 0 } jsonText
            ? bool.TryParse(jsonText, out var json) ? json : throw new SiloConfigurationException($"--json-logs '{jsonText}': expected true or false")
            : false;

        var podIp = getEnvironmentVariable("POD_IP");
        var advertiseText = configuration[SiloCommandLine.Advertise];
        IPAddress advertised;
        bool listenOnAny;
        if (!string.IsNullOrWhiteSpace(advertiseText))
        {
            advertised = ParseAddress(advertiseText, "--advertise");
            listenOnAny = false;
        }
        else if (!string.IsNullOrWhiteSpace(podIp))
        {
            advertised = ParseAddress(podIp, "POD_IP");
            listenOnAny = true;
        }
        else
        {
            advertised = IPAddress.Loopback;
            listenOnAny = false;
        }

        var role = (configuration[SiloCommandLine.Role] ?? SiloMetadataKeys.WorkerRole).Trim().ToLowerInvariant();
        if (role is not (SiloMetadataKeys.WorkerRole or SiloMetadataKeys.CoordinatorRole))
        {
            throw new SiloConfigurationException($"--role '{role}': expected {SiloMetadataKeys.WorkerRole} or {SiloMetadataKeys.CoordinatorRole}");
        }

        var memory = configuration[SiloCommandLine.Memory] is { Length: > 0 } memoryText
            ? ParseSize(memoryText, "--memory")
            : machine.AvailableMemoryBytes;
        var slots = configuration[SiloCommandLine.UnitSlots] is { Length: > 0 } slotsText
            ? ParsePositiveInt(slotsText, "--unit-slots")
            : DefaultUnitSlots(machine.Cores, memory);

        var (device, unusedGpu) = ResolveDevice(configuration[SiloCommandLine.Device], detectGpu, cudaUnavailableReason);

        var shutdownTimeout = configuration[SiloCommandLine.ShutdownTimeout] is { Length: > 0 } timeoutText
            ? TimeSpan.FromSeconds(ParsePositiveInt(timeoutText, "--shutdown-timeout"))
            : DefaultShutdownTimeout;

        var name = configuration[SiloCommandLine.Name];
        if (string.IsNullOrWhiteSpace(name))
        {
            name = getEnvironmentVariable("POD_NAME") is { Length: > 0 } podName
                ? podName
                : $"{Environment.MachineName}-{siloPort.ToString(CultureInfo.InvariantCulture)}";
        }

        return new SiloSettings
        {
            RedisConnection = redis.Trim(),
            ClusterId = configuration[SiloCommandLine.ClusterId] is { Length: > 0 } clusterId ? clusterId : DefaultClusterId,
            ServiceId = ReadServiceId(configuration[SiloCommandLine.ServiceId]),
            HealthPort = healthPort,
            MetricsPort = metricsPort,
            JsonLogs = jsonLogs,
            Name = name.Trim(),
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
            AdvertisedAddress = advertised,
            ListenOnAnyHostAddress = listenOnAny,
            Role = role,
            UnitSlots = slots,
            MemoryBytes = memory,
            Cores = machine.Cores,
            Device = device,
            UnusedGpu = unusedGpu,
            ShutdownTimeout = shutdownTimeout,
        };
    }

    /// <summary>One slot per core, but no more than memory allows at <see cref="MemoryPerUnitSlot"/> each; at least one.</summary>
    public static int DefaultUnitSlots(int cores, long memoryBytes) =>
        (int)Math.Max(1, Math.Min(cores, memoryBytes / MemoryPerUnitSlot));

    /// <summary>What the grains publish as silo metadata (<see cref="SiloMetadataKeys"/>) and read for placement.</summary>
    public WorkerProfile ToWorkerProfile() => new()
    {
        Role = Role,
        Device = Device,
        MemoryBytes = MemoryBytes,
        Cores = Cores,
        UnitSlots = UnitSlots,
    };

    /// <summary>The one line scripts and tests wait for.</summary>
    public string ReadyLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"fusion-silo ready name={Name} role={Role} silo-port={SiloPort} gateway-port={GatewayPort} slots={UnitSlots} device={Device}");

    private static (string Device, string? UnusedGpu) ResolveDevice(string? requested, Func<string?> detectGpu, Func<string?> cudaUnavailableReason)
    {
        switch ((requested ?? MergeDevices.Auto).Trim().ToLowerInvariant())
        {
            case MergeDevices.Auto:
            {
                // Only a host with a GPU asks libtorch, so CPU hosts start without loading it.
                if (detectGpu() is not { } gpu)
                {
                    return (MergeDevices.Cpu, null);
                }

                // A GPU this silo cannot use is noted, not published, so placement never counts on it.
                return cudaUnavailableReason() is { } reason ? (MergeDevices.Cpu, $"{gpu}; {reason}") : (MergeDevices.Cuda, null);
            }
            case MergeDevices.Cpu:
                return (MergeDevices.Cpu, null);
            case MergeDevices.Cuda:
                return cudaUnavailableReason() is { } missing
                    ? throw new SiloConfigurationException($"--device cuda: {missing}; use --device cpu or auto")
                    : (MergeDevices.Cuda, null);
            default:
                throw new SiloConfigurationException($"--device '{requested}': expected auto, cpu or cuda");
        }
    }

    private static string ReadServiceId(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultServiceId;
        }

        var trimmed = text.Trim();
        return FusionServiceIds.IsValid(trimmed)
            ? trimmed
            : throw new SiloConfigurationException($"--service-id '{text}': {FusionServiceIds.Rule}");
    }

    private static int ReadPort(IConfiguration configuration, string key, string option, int fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new SiloConfigurationException($"{option} '{text}': expected a port number from 1 to 65535");
    }

    private static int ParsePositiveInt(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new SiloConfigurationException($"{option} '{text}': expected a whole number greater than 0");

    private static IPAddress ParseAddress(string text, string option) =>
        IPAddress.TryParse(text.Trim(), out var address)
            ? address
            : throw new SiloConfigurationException($"{option} '{text}': expected an IP address");

    /// <summary>Bytes, or a number with KB/MB/GB/TB (powers of 1000) or KiB/MiB/GiB/TiB (powers of 1024).</summary>
    private static long ParseSize(string text, string option)
    {
        var trimmed = text.Trim();
        var digits = 0;
        while (digits < trimmed.Length && (char.IsAsciiDigit(trimmed[digits]) || trimmed[digits] == '.'))
        {
            digits++;
        }

        var multiplier = trimmed[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1d,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            "KIB" => 1024d,
            "MIB" => 1024d * 1024,
            "GIB" => 1024d * 1024 * 1024,
            "TIB" => 1024d * 1024 * 1024 * 1024,
            _ => double.NaN,
        };
        return double.TryParse(trimmed[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            && !double.IsNaN(multiplier) && number * multiplier >= 1
            ? (long)(number * multiplier)
            : throw new SiloConfigurationException($"{option} '{text}': expected a size such as 16GiB, 8GB or 500000000");
    }
}
