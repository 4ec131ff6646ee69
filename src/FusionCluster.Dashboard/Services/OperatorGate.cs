using System.Security.Claims;
using FusionCluster.Dashboard.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace FusionCluster.Dashboard.Services;

/// <summary>
/// The server-side role check behind every change a circuit's user makes (jobs and sweeps alike): hiding a
/// button is never the only protection, and every refusal is logged with the user's name.
/// </summary>
public sealed class OperatorGate(AuthenticationStateProvider authentication, ILogger<OperatorGate> logger)
{
    /// <summary>True when the circuit's user is an operator (for showing operator controls).</summary>
    public async Task<bool> IsOperatorAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return IsOperator(state.User);
    }

    /// <summary>The circuit's user, when an operator.</summary>
    /// <exception cref="OperatorRequiredException">The user is not an operator.</exception>
    public async Task<ClaimsPrincipal> RequireOperatorAsync(string action)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        if (!IsOperator(state.User))
        {
            logger.LogWarning("Refused: user {User} (not an operator) tried to {Action}", state.User.Identity?.Name ?? "(anonymous)", action);
            throw new OperatorRequiredException(action);
        }

        return state.User;
    }

    private static bool IsOperator(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsInRole(DashboardRoles.Operator);
}
