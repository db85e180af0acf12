using System.Security.Claims;
using Aos.Security;
using Aos.Security.ApiKeys;
using Aos.Security.Roles;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps <c>/v1/api-keys</c>: create (the secret is shown once), list, show and revoke API keys of the caller's tenant.</summary>
/// <remarks>
/// A caller can give a key only permissions it holds itself, and only in the tenant it acts in unless it holds
/// <see cref="Permissions.TenantsManage"/>; the tenant must exist, and the roles be built-in or custom roles of it. A key of another
/// tenant is answered as not found.
/// </remarks>
internal static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/api-keys").WithTags("Identity").RequirePermission(Permissions.ApiKeysManage);
        keys.MapPost("/", async (CreateApiKeyRequest body, ClaimsPrincipal caller, ApiKeyService service, RoleService roleService, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            var roles = body.Roles is { Length: > 0 } given ? given : [AosRoles.User];
            var tenant = body.Tenant ?? Callers.TenantOf(caller);
            if (tenant != Callers.TenantOf(caller) && !Callers.Holds(caller, catalog, Permissions.TenantsManage))
            {
                throw new AosValidationException($"A key can be created only in the caller's tenant '{Callers.TenantOf(caller)}'; creating one in '{tenant}' needs the permission '{Permissions.TenantsManage}'.") { Field = "tenant" };
            }

            var permissions = await roleService.ValidateAssignableAsync(tenant, roles, cancellationToken);
            Callers.EnsureHoldsEverythingOf(caller, catalog, permissions, $"roles {string.Join(", ", roles)}", "a key");

            var created = await service.CreateAsync(new ApiKeyRequest { Name = body.Name, Tenant = tenant, Roles = roles, ExpiresAt = body.ExpiresAt }, cancellationToken);
            return TypedResults.Created($"/v1/api-keys/{created.Key.Id}", new CreatedApiKeyView(ApiKeyView.From(created.Key), created.Secret));
        }).WithName("CreateApiKey").WithSummary("Creates an API key; the answer holds its secret, which is not shown again.");

        keys.MapGet("/", async (ClaimsPrincipal caller, ApiKeyService service, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            // A superuser in its own tenant sees every tenant's keys; with X-Aos-Tenant, that tenant's.
            var tenant = Callers.Holds(caller, catalog, Permissions.TenantsManage) && Callers.TenantOf(caller) == Callers.HomeTenantOf(caller) ? null : Callers.TenantOf(caller);
            var items = new List<ApiKeyView>();
            await foreach (var key in service.ListAsync(tenant, cancellationToken))
            {
                items.Add(ApiKeyView.From(key));
            }

            return TypedResults.Ok(new { items });
        }).WithName("ListApiKeys").WithSummary("Lists the API keys of the caller's tenant (of every tenant for a superuser), without secrets.");

        keys.MapGet("/{id}", async (string id, ClaimsPrincipal caller, ApiKeyService service, RoleCatalog catalog, CancellationToken cancellationToken) =>
            ApiKeyView.From(Visible(caller, catalog, id, await service.GetAsync(id, cancellationToken))))
            .WithName("GetApiKey").WithSummary("Gets an API key, without its secret.");

        keys.MapDelete("/{id}", async (string id, ClaimsPrincipal caller, ApiKeyService service, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            Visible(caller, catalog, id, await service.GetAsync(id, cancellationToken));
            return ApiKeyView.From((await service.RevokeAsync(id, cancellationToken))!);
        }).WithName("RevokeApiKey").WithSummary("Revokes an API key: it stops working at once.");
        return app;
    }

    private static ApiKey Visible(ClaimsPrincipal caller, RoleCatalog catalog, string id, ApiKey? key) =>
        key is not null && (key.Tenant == Callers.TenantOf(caller) || Callers.Holds(caller, catalog, Permissions.TenantsManage))
            ? key
            : throw new ApiKeyNotFoundException(id);
}
