using System.Security.Claims;
using Aos.Security;
using Aos.Security.Roles;

namespace Aos.Server.Security;

/// <summary>Reads what an authenticated caller is: its tenant and the permissions its roles grant there.</summary>
internal static class Callers
{
    /// <summary>Gets the tenant the caller acts in.</summary>
    public static string TenantOf(ClaimsPrincipal caller) => caller.FindFirst(AosClaims.Tenant)?.Value ?? AosTenants.Default;

    /// <summary>Gets the tenant the caller belongs to.</summary>
    public static string HomeTenantOf(ClaimsPrincipal caller) => caller.FindFirst(AosClaims.HomeTenant)?.Value ?? TenantOf(caller);

    /// <summary>Gets the caller's principal id, which is also who it is on what it does: <c>api-key:{id}</c>, <c>user:{tenant}/{username}</c>, <c>agent:{id}</c> for an agent's credential.</summary>
    public static string IdOf(ClaimsPrincipal caller) => caller.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? string.Empty;

    /// <summary>Gets the names of the caller's roles in the tenant it acts in.</summary>
    public static string[] RolesOf(ClaimsPrincipal caller) => [.. caller.FindAll(ClaimTypes.Role).Select(c => c.Value)];

    /// <summary>Refuses a body field that names someone other than the caller: who acts is always the authenticated caller.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="given">The name the body gives, if any.</param>
    /// <param name="field">The field.</param>
    /// <returns>The caller's principal id (<see cref="IdOf"/>).</returns>
    /// <exception cref="AosValidationException">The body names someone else; nothing was changed.</exception>
    public static string EnsureActor(ClaimsPrincipal caller, string? given, string field)
    {
        var actor = IdOf(caller);
        if (!string.IsNullOrEmpty(given) && !string.Equals(given, actor, StringComparison.Ordinal))
        {
            throw new AosValidationException($"'{field}' is '{given}', but the caller is '{actor}': who acts is the authenticated caller; leave '{field}' out.") { Field = field };
        }

        return actor;
    }

    /// <summary>Tells whether the caller's roles grant a permission, resolving custom roles in the tenant that defines them.</summary>
    public static bool Holds(ClaimsPrincipal caller, RoleCatalog roles, string permission)
    {
        var tenant = caller.FindFirst(AosClaims.RoleTenant)?.Value ?? TenantOf(caller);
        foreach (var claim in caller.Claims)
        {
            if (claim.Type == ClaimTypes.Role && roles.Grants(tenant, claim.Value, permission))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Refuses roles or permissions that would give a key, user, role or assignment a permission the caller does not hold itself.</summary>
    /// <param name="caller">The caller.</param>
    /// <param name="roles">The role catalog.</param>
    /// <param name="permissions">The permissions the new thing would carry.</param>
    /// <param name="given">What the caller gave, as the message names it.</param>
    /// <param name="what">What is being created, as the message names it.</param>
    /// <param name="field">The field named in the error.</param>
    /// <exception cref="AosValidationException">One of the permissions is not the caller's; names it.</exception>
    public static void EnsureHoldsEverythingOf(ClaimsPrincipal caller, RoleCatalog roles, IEnumerable<string> permissions, string given, string what, string field = "roles")
    {
        // An unknown permission is left to the service's validation, which names it as unknown rather than as not held.
        if (permissions.FirstOrDefault(p => Permissions.All.Contains(p) && !Holds(caller, roles, p)) is { } beyond)
        {
            throw new AosValidationException($"The {given} grant '{beyond}', which the caller does not hold: {what} can carry only the caller's own permissions.") { Field = field };
        }
    }
}
