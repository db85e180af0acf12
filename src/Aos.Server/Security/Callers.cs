using System.Security.Claims;
using Aos.Security;

namespace Aos.Server.Security;

/// <summary>Reads what an authenticated caller is: its tenant and the permissions its roles grant.</summary>
internal static class Callers
{
    /// <summary>Gets the tenant the caller acts in.</summary>
    public static string TenantOf(ClaimsPrincipal caller) => caller.FindFirst(AosClaims.Tenant)?.Value ?? AosTenants.Default;

    /// <summary>Tells whether the caller's roles grant a permission.</summary>
    public static bool Holds(ClaimsPrincipal caller, string permission) =>
        AosRoles.Grants(caller.FindAll(ClaimTypes.Role).Select(c => c.Value), permission);

    /// <summary>Refuses roles that would give a new key or user a permission the caller does not hold itself.</summary>
    /// <exception cref="AosValidationException">One of the roles grants a permission the caller lacks; names it.</exception>
    public static void EnsureHoldsEverythingOf(ClaimsPrincipal caller, IReadOnlyList<string> roles, string what)
    {
        if (roles.SelectMany(AosRoles.PermissionsOf).FirstOrDefault(p => !Holds(caller, p)) is { } beyond)
        {
            throw new AosValidationException($"The roles {string.Join(", ", roles)} grant '{beyond}', which the caller does not hold: {what} can carry only the caller's own permissions.") { Field = "roles" };
        }
    }
}
