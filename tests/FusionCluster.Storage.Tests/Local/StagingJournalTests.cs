using System.Diagnostics;
using System.Globalization;
using FusionCluster.Storage.Local;
using FusionCluster.TestSupport;

namespace FusionCluster.Storage.Tests.Local;

public sealed class StagingJournalTests
{
    [Fact]
    public async Task Staging_a_finished_process_recorded_is_removed_with_the_output_folder_it_made_and_nothing_else()
    {
        using var temp = new TempDirectory();
        var journals = temp.Combine("journals");
        Directory.CreateDirectory(journals);
        var staging = MakeStaging(temp.Combine("out"), "job-1", createdOutput: true);
        var notStaging = temp.Combine("elsewhere", "job-2");
        Directory.CreateDirectory(notStaging);
        var (processId, startTicks) = await FinishedProcessAsync();
        File.WriteAllLines(Path.Combine(journals, $"{processId}-{startTicks.ToString(CultureInfo.InvariantCulture)}.journal"), [staging, notStaging]);

        var removed = new StagingJournal(journals).RemoveLeftovers();

        Assert.Equal([staging], removed);
        Assert.False(Directory.Exists(temp.Combine("out")), "the output folder the killed run made and left empty is still there");
        Assert.True(Directory.Exists(notStaging), "a folder outside any .fusion-staging was removed");
        Assert.Empty(Directory.EnumerateFiles(journals));
    }

    [Fact]
    public void Staging_a_running_process_recorded_is_left_alone_and_a_users_output_folder_is_kept()
    {
        using var temp = new TempDirectory();
        var journals = temp.Combine("journals");
        var live = MakeStaging(temp.Combine("live-out"), "job-1", createdOutput: true);
        var journal = new StagingJournal(journals);
        journal.Record(live);

        Assert.Empty(journal.RemoveLeftovers());
        Assert.True(Directory.Exists(live));
        Assert.Single(Directory.EnumerateFiles(journals));
    }

    [Fact]
    public async Task An_output_folder_the_user_made_stays_when_its_leftover_staging_goes()
    {
        using var temp = new TempDirectory();
        var journals = temp.Combine("journals");
        Directory.CreateDirectory(journals);
        var staging = MakeStaging(temp.Combine("out"), "job-1", createdOutput: false);
        var (processId, startTicks) = await FinishedProcessAsync();
        File.WriteAllLines(Path.Combine(journals, $"{processId}-{startTicks.ToString(CultureInfo.InvariantCulture)}.journal"), [staging]);

        new StagingJournal(journals).RemoveLeftovers();

        Assert.True(Directory.Exists(temp.Combine("out")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Combine("out")));
    }

    [Fact]
    public async Task A_running_child_process_keeps_its_staging_while_another_process_cleans_up()
    {
        // The journal a live fusion writes is named by its start time; reading it again must give the same name.
        using var temp = new TempDirectory();
        var journals = temp.Combine("journals");
        var live = MakeStaging(temp.Combine("out"), "job-1", createdOutput: true);
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var stat = await File.ReadAllTextAsync($"/proc/{child.Id}/stat", TestContext.Current.CancellationToken);
            var start = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
            Directory.CreateDirectory(journals);
            File.WriteAllLines(Path.Combine(journals, $"{child.Id}-{start}.journal"), [live]);

            for (var attempt = 0; attempt < 20; attempt++)
            {
                Assert.Empty(new StagingJournal(journals).RemoveLeftovers());
            }

            Assert.True(Directory.Exists(live));
        }
        finally
        {
            child.Kill();
        }
    }

    private static string MakeStaging(string output, string job, bool createdOutput)
    {
        var root = Path.Combine(output, LocalMergeOutput.StagingFolder);
        var staging = Path.Combine(root, job);
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "model.safetensors"), new byte[1024]);
        if (createdOutput)
        {
            File.WriteAllText(staging + LocalMergeOutput.CreatedMarkerSuffix, "");
        }

        return staging;
    }

    /// <summary>The id and start time (clock ticks since boot) of a real process that has ended: what a killed fusion leaves in its journal's name.</summary>
    private static async Task<(int ProcessId, long StartTicks)> FinishedProcessAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "0.2") { UseShellExecute = false })!;
        var stat = await File.ReadAllTextAsync($"/proc/{process.Id}/stat", TestContext.Current.CancellationToken);
        var identity = (process.Id, long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture));
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return identity;
    }
}
