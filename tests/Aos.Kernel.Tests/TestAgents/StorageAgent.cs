using System.Text;
using System.Text.Json;
using Aos.Agents;
using Aos.Messaging;

namespace Aos.Kernel.Tests.TestAgents;

/// <summary>Keeps notes in its own part of the "notes" blob store and reads them back on request.</summary>
[AgentType(TypeName, Description = "Writes and reads blobs through IAgentContext.Storage; used by the kernel tests.")]
internal sealed class StorageAgent : Agent
{
    public const string TypeName = "test-storage";

    public StorageAgent()
    {
        On<Note>("note", async (note, cancellationToken) =>
            await Context.Storage.Blobs("notes").PutAsync(note.Name, new MemoryStream(Encoding.UTF8.GetBytes(note.Text)), new Aos.Storage.BlobPutOptions { ContentType = "text/plain" }, cancellationToken));
        OnRequest<Note, string?>("read", async (note, cancellationToken) =>
        {
            await using var download = await Context.Storage.Blobs("notes").GetAsync(note.Name, cancellationToken);
            if (download is null)
            {
                return null;
            }

            using var reader = new StreamReader(download.Content, Encoding.UTF8);
            return await reader.ReadToEndAsync(cancellationToken);
        });
    }

    internal sealed record Note(string Name, string Text = "");
}
