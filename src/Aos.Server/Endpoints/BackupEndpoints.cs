using Aos.Security;
using Aos.Server.Contracts;
using Aos.Server.Security;
using Aos.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aos.Server.Endpoints;

/// <summary>Maps <c>/v1/backups</c>: consistent online backups of the node's embedded store.</summary>
internal static class BackupEndpoints
{
    public static IEndpointRouteBuilder MapBackupEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Backups").MapPost("/backups", async (PostBackupRequest body, SqliteBackup backup, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(body.Directory) || !Path.IsPathFullyQualified(body.Directory))
            {
                throw new AosValidationException("Give the backup directory as an absolute path on the node's machine, for instance /var/backups/aos/2026-11-30.") { Field = "directory" };
            }

            var manifest = await backup.BackupAsync(body.Directory, cancellationToken);
            return TypedResults.Created((string?)null, new BackupView(Path.GetFullPath(body.Directory), manifest.CreatedAt, manifest.DatabaseBytes, manifest.Blobs.Count, manifest.Blobs.Sum(b => b.Bytes)));
        }).WithName("Backup").WithSummary("Backs the node's embedded store up into an empty directory on its machine while it serves; answers when the backup is durable.")
            .Produces<BackupView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequirePermission(Permissions.SystemBackup);
        return app;
    }
}
