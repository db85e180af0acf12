namespace Aos.Security;

/// <summary>Names and validates tenants: every principal and resource belongs to one.</summary>
public static class AosTenants
{
    /// <summary>Gets the tenant of a single-tenant installation, and of the first admin key.</summary>
    public const string Default = "default";

    /// <summary>Checks a tenant name: 1 to 64 lowercase letters, digits and hyphens, starting with a letter or digit.</summary>
    /// <param name="tenant">The name.</param>
    /// <param name="field">The field named in the error.</param>
    /// <exception cref="AosValidationException">The name is not valid; nothing was changed.</exception>
    public static void Validate(string? tenant, string field = "tenant")
    {
        if (!IsValid(tenant))
        {
            throw new AosValidationException($"The tenant '{tenant}' is not valid: use 1 to 64 lowercase letters, digits and '-', not starting with '-'.") { Field = field };
        }
    }

    /// <summary>Scopes a name chosen by callers (a conversation id, say) to a tenant, so that equal names of two tenants never meet.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="name">The name as the tenant sees it; it holds no control characters.</param>
    /// <returns>The name itself in the default tenant; otherwise the tenant, a unit separator and the name.</returns>
    public static string Scope(string tenant, string name)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(name);
        return tenant == Default ? name : string.Concat(tenant, "\u001f", name);
    }
    /// <summary>Tells whether a tenant name is valid: 1 to 64 lowercase letters, digits and hyphens, starting with a letter or digit.</summary>
    /// <param name="tenant">The name.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? tenant) =>
        tenant is { Length: > 0 and <= 64 } && tenant[0] != '-' && tenant.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-');
}
