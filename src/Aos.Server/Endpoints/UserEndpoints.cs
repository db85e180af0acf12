using System.Security.Claims;
using Aos.Security;
using Aos.Security.Roles;
using Aos.Security.Sessions;
using Aos.Security.Users;
using Aos.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps <c>/v1/users</c>: create, list and delete the local users of the tenant the caller acts in.</summary>
/// <remarks>A user gets only permissions the caller holds itself, through built-in roles or custom roles of the tenant.</remarks>
internal static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/v1/users").WithTags("Identity").RequirePermission(Permissions.UsersManage);
        users.MapPost("/", async (CreateUserRequest body, ClaimsPrincipal caller, UserService service, RoleService roleService, RoleCatalog catalog, CancellationToken cancellationToken) =>
        {
            var roles = body.Roles is { Length: > 0 } given ? given : [AosRoles.User];
            var permissions = await roleService.ValidateAssignableAsync(Callers.TenantOf(caller), roles, cancellationToken);
            Callers.EnsureHoldsEverythingOf(caller, catalog, permissions, $"roles {string.Join(", ", roles)}", "a user");

            var user = await service.CreateAsync(new UserRequest { Username = body.Username, Password = body.Password, Tenant = Callers.TenantOf(caller), Roles = roles }, cancellationToken);
            return TypedResults.Created($"/v1/users/{user.Username}", user);
        }).WithName("CreateUser").WithSummary("Creates a local user in the caller's tenant; the password is kept only as a salted PBKDF2 hash.");

        users.MapGet("/", async (ClaimsPrincipal caller, UserService service, CancellationToken cancellationToken) =>
            TypedResults.Ok(new { items = await service.ListAsync(Callers.TenantOf(caller), cancellationToken).ToListAsync(cancellationToken) }))
            .WithName("ListUsers").WithSummary("Lists the local users of the caller's tenant.");

        users.MapDelete("/{username}", async (string username, ClaimsPrincipal caller, UserService service, SessionService sessions, CancellationToken cancellationToken) =>
        {
            var tenant = Callers.TenantOf(caller);
            if (!await service.DeleteAsync(tenant, username, cancellationToken))
            {
                return Results.Problem($"There is no user '{username}' in the caller's tenant.", statusCode: StatusCodes.Status404NotFound, title: "User not found");
            }

            await foreach (var session in sessions.ListAsync(tenant, $"user:{tenant}/{username}", cancellationToken))
            {
                await sessions.RevokeAsync(tenant, session.Id, "the user was deleted", cancellationToken);
            }

            return Results.NoContent();
        }).WithName("DeleteUser").WithSummary("Deletes a local user and ends its sign-in sessions, so its refresh and access tokens stop working.");
        return app;
    }
}

/// <summary>Asks for a new local user.</summary>
/// <param name="Username">The name: lowercase letters, digits, <c>.</c>, <c>_</c>, <c>-</c>.</param>
/// <param name="Password">The password, at least <c>Aos:Auth:Passwords:MinimumLength</c> (12) characters.</param>
/// <param name="Roles">The roles; default <c>user</c>.</param>
public sealed record CreateUserRequest(string Username, string Password, string[]? Roles);
