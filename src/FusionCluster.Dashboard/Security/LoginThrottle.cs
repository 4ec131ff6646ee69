namespace FusionCluster.Dashboard.Security;

/// <summary>
/// Per-account back-off after failed sign-ins, on top of the per-address rate limit (which guessing from
/// many addresses gets around). After <see cref="FreeFailures"/> failures in a row for a user name, the
/// name is locked for <see cref="FirstLock"/>, doubling with each further failure up to <see cref="LongestLock"/>;
/// while locked, sign-ins for it are refused without checking the password. Names that do not exist are
/// treated alike, so the lock reveals nothing about which names do. A success clears the count; a name
/// with no failure for <see cref="Memory"/> is forgotten.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int FreeFailures = 5;

    /// <summary>Names tracked at most; past it, names below <see cref="FreeFailures"/> are forgotten first.</summary>
    public const int MaxTrackedNames = 10_000;

    public static readonly TimeSpan FirstLock = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan LongestLock = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan Memory = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Failures> failures = new(StringComparer.Ordinal);

    /// <summary>How long the name stays locked from now; zero when a sign-in may be tried.</summary>
    public TimeSpan LockedFor(string name)
    {
        lock (failures)
        {
            if (!failures.TryGetValue(Key(name), out var entry))
            {
                return TimeSpan.Zero;
            }

            var left = entry.LockedUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void RecordFailure(string name)
    {
        var now = time.GetUtcNow();
        lock (failures)
        {
            if (failures.Count >= MaxTrackedNames)
            {
                Forget(now);
            }

            var key = Key(name);
            var count = (failures.TryGetValue(key, out var entry) && now - entry.Last < Memory ? entry.Count : 0) + 1;
            var lockedUntil = count < FreeFailures ? now : now + LockFor(count);
            failures[key] = new Failures(count, now, lockedUntil);
        }
    }

    public void RecordSuccess(string name)
    {
        lock (failures)
        {
            failures.Remove(Key(name));
        }
    }

    /// <summary>The lock after the <paramref name="failureCount"/>-th failure in a row (from the <see cref="FreeFailures"/>-th on).</summary>
    public static TimeSpan LockFor(int failureCount)
    {
        var doublings = Math.Min(failureCount - FreeFailures, 16);
        var seconds = FirstLock.TotalSeconds * Math.Pow(2, doublings);
        return seconds >= LongestLock.TotalSeconds ? LongestLock : TimeSpan.FromSeconds(seconds);
    }

    // Bounded like the login form's field, so a flood of long names costs little memory.
    private static string Key(string name) => name.Length > 64 ? name[..64] : name;

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, entry) in failures.ToList())
        {
            if (now - entry.Last >= Memory || entry.Count < FreeFailures)
            {
                failures.Remove(key);
            }
        }
    }

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset LockedUntil);
}
