using FusionCluster.Core.Methods;

namespace FusionCluster.Grains.Jobs;

/// <summary>
/// Turns the device a job asked for into the one every unit of it runs on, from the devices the worker
/// silos published, and says which silos may run the job's units.
/// </summary>
public static class JobDevice
{
    /// <summary>
    /// cpu and torch-cpu run on any worker; cuda needs at least one worker publishing cuda; auto is cuda
    /// only when every active worker publishes cuda, so that auto never narrows where a job's units can run.
    /// </summary>
    /// <exception cref="MergeDeviceException">Unknown device, or cuda with no CUDA worker.</exception>
    public static string Resolve(string requested, IReadOnlyList<WorkerSilo> workers)
    {
        if (MergeDevices.Check(requested) is { } error)
        {
            throw new MergeDeviceException(error);
        }

        switch (requested)
        {
            case MergeDevices.Auto:
                return workers.Count > 0 && workers.All(w => w.Device == MergeDevices.Cuda) ? MergeDevices.Cuda : MergeDevices.Cpu;
            case MergeDevices.Cuda when !workers.Any(w => w.Device == MergeDevices.Cuda):
                var seen = workers.Count == 0 ? "no worker silo is active" : string.Join(", ", workers.Select(w => $"{w.Name}={w.Device}"));
                throw new MergeDeviceException(
                    $"device cuda: no worker silo reports a CUDA device ({seen}); start GPU workers with fusion-silo --device cuda, or submit with --device cpu");
            default:
                return requested;
        }
    }

    /// <summary>Whether <paramref name="silo"/> may run units of a job resolved to <paramref name="device"/>.</summary>
    public static bool CanRun(WorkerSilo silo, string device) => device != MergeDevices.Cuda || silo.Device == MergeDevices.Cuda;
}
