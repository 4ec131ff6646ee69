using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace FusionCluster.Dashboard.Security;

/// <summary>
/// The sign-in sessions of this run of the dashboard, held in memory only. A cookie names its session
/// (<see cref="DashboardClaims.Session"/>) and is accepted only while that session is here: signing out
/// ends it, so a copy of the cookie replayed later is refused; a restart forgets every session, so no
/// cookie of an earlier run (the one-time operator's included) works after it. A session unused for
/// <see cref="IdleLifetime"/> ends, like the cookie's sliding expiry.
/// </summary>
public sealed class DashboardSessions(TimeProvider time)
{
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);

    public int Count => sessions.Count;

    /// <summary>Starts a session for a user who just signed in and returns its id (128 random bits).</summary>
    public string Start(string userName)
    {
        RemoveExpired();
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        sessions[id] = new Session(userName, time.GetUtcNow());
        return id;
    }

    /// <summary>True when the session exists, belongs to this user and has not idled out; it then counts as used now.</summary>
    public bool Touch(string? id, string? userName)
    {
        if (id is null || userName is null || !sessions.TryGetValue(id, out var session) || session.UserName != userName)
        {
            return false;
        }

        var now = time.GetUtcNow();
        if (now - session.LastUsed > IdleLifetime)
        {
            sessions.TryRemove(id, out _);
            return false;
        }

        sessions.TryUpdate(id, session with { LastUsed = now }, session);
        return true;
    }

    /// <summary>Ends a session (sign-out); unknown ids are ignored.</summary>
    public void End(string? id)
    {
        if (id is not null)
        {
            sessions.TryRemove(id, out _);
        }
    }

    private void RemoveExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in sessions)
        {
            if (now - session.LastUsed > IdleLifetime)
            {
                sessions.TryRemove(id, out _);
            }
        }
    }

    private sealed record Session(string UserName, DateTimeOffset LastUsed);
}
