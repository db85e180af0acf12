using System.Security.Claims;
using Aos.Security;
using Aos.Security.Roles;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>
/// Maps <c>/v1/roles</c> (the built-in roles and the custom roles of the tenant the caller acts in) and <c>/v1/role-assignments</c>
/// (the roles principals of other tenants hold in it); all need <see cref="Permissions.RolesManage"/> in that tenant.
/// </summary>
/// <remarks>
/// A caller can put in a role, or assign, only permissions it holds itself; so only a holder of <see cref="Permissions.TenantsManage"/>
/// (a superuser) can put that permission in a custom role. A superuser reaches another tenant's roles with <c>X-Aos-Tenant</c>.
/// </remarks>
internal static class RoleEndpoints
{
    public static IEndpointRouteBuilder MapRoleEndpoints(this IEndpointRouteBuilder app)
    {
        var roles = app.MapGroup("/v1/roles").WithTags("Identity").RequirePermission(Permissions.RolesManage);
        roles.MapGet("/", async (ClaimsPrincipal caller, RoleService service, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { items = await service.ListAsync(Callers.TenantOf(caller), cancellationToken).ToListAsync(cancellationToken) }))
            .WithName("ListRoles").WithSummary("Lists the built-in roles with their permissions, then the custom roles of the caller's tenant.");

        roles.MapGet("/{name}", async (string name, ClaimsPrincipal caller, RoleService service, CancellationToken cancellationToken) =>
            await service.GetAsync(Callers.TenantOf(caller), name, cancellationToken) is { } role ? Results.Ok(role) : RoleNotFound(caller, name))
            .WithName("GetRole").WithSummary("Gets a built-in role or a custom role of the caller's tenant.");

        roles.MapPost("/", async (CreateRoleRequest body, ClaimsPrincipal caller, RoleService service, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            var permissions = body.Permissions ?? [];
            Callers.EnsureHoldsEverythingOf(caller, catalog, permissions, "permissions", "a role", "permissions");
            var role = await service.CreateAsync(Callers.TenantOf(caller), new RoleRequest { Name = body.Name, Description = body.Description, Permissions = permissions }, cancellationToken);
            return TypedResults.Created($"/v1/roles/{role.Name}", role);
        }).WithName("CreateRole").WithSummary("Creates a custom role in the caller's tenant, with permissions the caller holds itself.");

        roles.MapPut("/{name}", async (string name, UpdateRoleRequest body, ClaimsPrincipal caller, RoleService service, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            var permissions = body.Permissions ?? [];
            Callers.EnsureHoldsEverythingOf(caller, catalog, permissions, "permissions", "a role", "permissions");
            return await service.UpdateAsync(Callers.TenantOf(caller), new RoleRequest { Name = name, Description = body.Description, Permissions = permissions }, cancellationToken) is { } role
                ? Results.Ok(role)
                : RoleNotFound(caller, name);
        }).WithName("UpdateRole").WithSummary("Replaces a custom role's description and permissions; keys and users that hold it get the new set.");

        roles.MapDelete("/{name}", async (string name, ClaimsPrincipal caller, RoleService service, CancellationToken cancellationToken) =>
            await service.DeleteAsync(Callers.TenantOf(caller), name, cancellationToken) ? Results.NoContent() : RoleNotFound(caller, name))
            .WithName("DeleteRole").WithSummary("Deletes a custom role: from then on it grants nothing to the keys, users and assignments that name it.");

        var assignments = app.MapGroup("/v1/role-assignments").WithTags("Identity").RequirePermission(Permissions.RolesManage);
        assignments.MapGet("/", async (ClaimsPrincipal caller, RoleService service, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { items = await service.ListAssignmentsAsync(Callers.TenantOf(caller), cancellationToken).ToListAsync(cancellationToken) }))
            .WithName("ListRoleAssignments").WithSummary("Lists the roles principals of other tenants hold in the caller's tenant.");

        assignments.MapPut("/{*principalId}", async (string principalId, AssignRolesRequest body, ClaimsPrincipal caller, RoleService service, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            var tenant = Callers.TenantOf(caller);
            var given = body.Roles ?? [];
            var permissions = await service.ValidateAssignableAsync(tenant, given, cancellationToken);
            Callers.EnsureHoldsEverythingOf(caller, catalog, permissions, $"roles {string.Join(", ", given)}", "an assignment");
            return TypedResults.Ok(await service.AssignAsync(tenant, principalId, given, cancellationToken));
        }).WithName("AssignRoles").WithSummary("Gives a principal of another tenant (api-key:{id} or user:{tenant}/{username}) roles in the caller's tenant, replacing any it had.");

        assignments.MapDelete("/{*principalId}", async (string principalId, ClaimsPrincipal caller, RoleService service, CancellationToken cancellationToken) =>
            await service.UnassignAsync(Callers.TenantOf(caller), principalId, cancellationToken)
                ? Results.NoContent()
                : Results.Problem($"'{principalId}' holds no role in the tenant '{Callers.TenantOf(caller)}'.", statusCode: StatusCodes.Status404NotFound, title: "Assignment not found"))
            .WithName("UnassignRoles").WithSummary("Takes a principal's roles in the caller's tenant away.");
        return app;
    }

    private static IResult RoleNotFound(ClaimsPrincipal caller, string name) =>
        Results.Problem($"There is no role '{name}' in the tenant '{Callers.TenantOf(caller)}'; list them with GET /v1/roles.", statusCode: StatusCodes.Status404NotFound, title: "Role not found");
}
