using System.Text;
using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.TestAgents;

/// <summary>Keeps notes in its own part of a blob store ("notes" unless the note names another), or its tenant's shared part, and reads them back on request.</summary>
[AgentType(TypeName, Description = "Writes and reads blobs through IAgentContext.Storage; used by the kernel tests.")]
internal sealed class StorageAgent : Agent
{
    public const string TypeName = "test-storage";

    public StorageAgent()
    {
        On<Note>("note", async (note, cancellationToken) =>
            await Context.Storage.Blobs(note.Store).PutAsync(note.Name, new MemoryStream(Encoding.UTF8.GetBytes(note.Text)), new Aos.Storage.BlobPutOptions { ContentType = "text/plain" }, cancellationToken));
        OnRequest<Note, string?>("read", (note, cancellationToken) => ReadAsync(Context.Storage, note, cancellationToken));
        OnRequest<Note, bool>("share", async (note, cancellationToken) =>
        {
            await Context.Storage.Tenant.Blobs(note.Store).PutAsync(note.Name, new MemoryStream(Encoding.UTF8.GetBytes(note.Text)), cancellationToken: cancellationToken);
            return true;
        });
        OnRequest<Note, string?>("read-shared", (note, cancellationToken) => ReadAsync(Context.Storage.Tenant, note, cancellationToken));
    }

    private static async ValueTask<string?> ReadAsync(Aos.Storage.IStorageScope storage, Note note, CancellationToken cancellationToken)
    {
        await using var download = await storage.Blobs(note.Store).GetAsync(note.Name, cancellationToken);
        if (download is null)
        {
            return null;
        }

        using var reader = new StreamReader(download.Content, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    internal sealed record Note(string Name, string Text = "", string Store = "notes");
}
