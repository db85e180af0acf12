using System.Runtime.CompilerServices;
using System.Text.Json;
using Aos.Security.ApiKeys;
using Aos.Security.Users;

namespace Aos.Security.Roles;

/// <summary>The role assignments: roles a principal holds in a tenant other than its own.</summary>
public sealed partial class RoleService
{
    /// <summary>Gives a principal of another tenant roles in a tenant, replacing the ones it had there.</summary>
    /// <param name="tenant">The tenant the roles hold in.</param>
    /// <param name="principalId">The principal: <c>api-key:{id}</c> (an active key) or <c>user:{tenant}/{username}</c> (an existing user).</param>
    /// <param name="roles">Built-in roles or custom roles of <paramref name="tenant"/>.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The assignment.</returns>
    /// <exception cref="AosValidationException">
    /// The tenant or a role does not exist, the principal is unknown or belongs to <paramref name="tenant"/> itself; nothing was changed.
    /// </exception>
    public async ValueTask<RoleAssignment> AssignAsync(string tenant, string principalId, IReadOnlyList<string> roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principalId);
        await ValidateAssignableAsync(tenant, roles, cancellationToken).ConfigureAwait(false);
        var home = await HomeTenantOfAsync(principalId, cancellationToken).ConfigureAwait(false)
            ?? throw new AosValidationException($"There is no principal '{principalId}': name an active API key as 'api-key:<id>' or a user as 'user:<tenant>/<username>'.") { Field = "principalId" };
        if (home == tenant)
        {
            throw new AosValidationException($"'{principalId}' belongs to the tenant '{tenant}': change its own roles instead; an assignment is for a principal of another tenant.") { Field = "principalId" };
        }

        var document = new RoleAssignmentDocument(tenant, principalId, [.. roles.Distinct(StringComparer.Ordinal)], _timeProvider.GetUtcNow());
        await Store.UpsertAsync(AssignmentsCollection, tenant, DocumentId(principalId), JsonSerializer.SerializeToElement(document, AuthJsonContext.Default.RoleAssignmentDocument), cancellationToken: cancellationToken).ConfigureAwait(false);
        await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return document.ToAssignment();
    }

    /// <summary>Lists a tenant's role assignments, by principal.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The assignments.</returns>
    public async IAsyncEnumerable<RoleAssignment> ListAssignmentsAsync(string tenant, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AosTenants.Validate(tenant);
        await foreach (var stored in Store.QueryAsync(AssignmentsCollection, tenant, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (stored.Document.Deserialize(AuthJsonContext.Default.RoleAssignmentDocument) is { } document)
            {
                yield return document.ToAssignment();
            }
        }
    }

    /// <summary>Takes a principal's roles in a tenant away: it can no longer act there.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="principalId">The principal.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns><see langword="true"/> when there was an assignment.</returns>
    public async ValueTask<bool> UnassignAsync(string tenant, string principalId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(principalId);
        if (!AosTenants.IsValid(tenant) || ParsePrincipal(principalId) is null
            || !await Store.DeleteAsync(AssignmentsCollection, tenant, DocumentId(principalId), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await _roles.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask<string?> HomeTenantOfAsync(string principalId, CancellationToken cancellationToken)
    {
        switch (ParsePrincipal(principalId))
        {
            case ("api-key", var id, _):
                var key = await Store.GetAsync(ApiKeyService.Collection, id, id, cancellationToken).ConfigureAwait(false) is { } stored
                    ? stored.Document.Deserialize(AuthJsonContext.Default.ApiKeyDocument)?.ToKey()
                    : null;
                return key is not null && key.IsActiveAt(_timeProvider.GetUtcNow()) ? key.Tenant : null;
            case ("user", var username, { } home):
                return await Store.GetAsync(UserService.Collection, home, username, cancellationToken).ConfigureAwait(false) is not null ? home : null;
            default:
                return null;
        }
    }

    // api-key:{12 hex} or user:{tenant}/{username}; anything else is no principal.
    private static (string Kind, string Name, string? Tenant)? ParsePrincipal(string principalId)
    {
        if (principalId.StartsWith("api-key:", StringComparison.Ordinal) && principalId[8..] is { Length: 12 } id && id.All(char.IsAsciiHexDigitLower))
        {
            return ("api-key", id, null);
        }

        if (principalId.StartsWith("user:", StringComparison.Ordinal) && principalId[5..].Split('/') is [var tenant, { Length: > 0 and <= 64 } username]
            && AosTenants.IsValid(tenant) && username.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
        {
            return ("user", username, tenant);
        }

        return null;
    }

    // Document ids may not hold '/'; a tenant name never holds ':', so this is reversible.
    private static string DocumentId(string principalId) => principalId.Replace('/', ':');
}
