using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Aos.Server.Security;

/// <summary>Marks routes with the permission (<see cref="Aos.Security.Permissions"/>) they require.</summary>
public static class PermissionEndpointExtensions
{
    /// <summary>Requires an authenticated principal whose roles grant a permission; others get 401 or 403 as problem details.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="permission">The permission.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(permission);
        return builder.RequireAuthorization(PermissionPolicyProvider.Prefix + permission).WithMetadata(new RequiredPermissionMetadata(permission));
    }
}

/// <summary>The permission a route requires, as endpoint metadata.</summary>
/// <param name="Permission">The permission.</param>
public sealed record RequiredPermissionMetadata(string Permission);
