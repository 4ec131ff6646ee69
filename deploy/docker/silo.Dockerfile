# syntax=docker/dockerfile:1
#
# fusion-silo: one Orleans silo of a FusionCluster cluster (src/FusionCluster.Silo), the program the
# Helm chart runs for worker and coordinator silos. Build it from the repository root:
#
#   docker build -f deploy/docker/silo.Dockerfile -t fusioncluster/silo:dev .
#
# The build stage publishes framework-dependent for linux-x64; the final stage is the plain .NET
# runtime image with the app running as the non-root user "app".
#
# TorchSharp: the silo now carries TorchSharp-cpu (FusionCluster.Grains -> FusionCluster.Evaluation),
# about 475 MB of native libtorch. build/TorchSharpNativeFix.targets runs after `dotnet publish` and
# patches libLibTorchSharp.so only when the *build* stage's libstdc++ lacks GLIBCXX_3.4.32 (Debian 12).
# The default 10.0 tags are Ubuntu 24.04 in both stages, whose libstdc++ has the tag, so the fix does
# nothing here. Keep both stages on the same OS variant (same DOTNET_TAG suffix): a build stage with a
# newer libstdc++ than the runtime stage would skip a fix the runtime stage needs.

ARG DOTNET_TAG=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_TAG} AS build
# linux-x64 only: TorchSharp's native libraries (FusionCluster.Evaluation, referenced by the grains)
# exist for linux-x64 but not linux-arm64. Publishing for one RID also keeps the macOS and Windows
# natives out of the image.
ARG RID=linux-x64
# cpu: TorchSharp-cpu. cuda: TorchSharp-cuda-linux (libtorch-cuda, several GB) for GPU worker images,
# run with the NVIDIA container runtime (--gpus all); untested so far, see README.md "Devices".
ARG TORCH_BACKEND=cpu
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
# All of src/: the project graph changes (the grains now reference FusionCluster.Evaluation), and a
# list of projects here would silently fall behind. The NuGet cache mount keeps rebuilds fast.
COPY src/ src/
RUN --mount=type=cache,id=fusioncluster-nuget,target=/root/.nuget/packages \
    dotnet publish src/FusionCluster.Silo/FusionCluster.Silo.csproj -c Release -r ${RID} --self-contained false -nologo \
        -p:UseAppHost=false -p:TorchBackend=${TORCH_BACKEND} -o /app

# The silo is a generic host (no ASP.NET Core), so the plain .NET runtime image is enough.
FROM mcr.microsoft.com/dotnet/runtime:${DOTNET_TAG} AS final
LABEL org.opencontainers.image.title="fusion-silo" \
      org.opencontainers.image.description="FusionCluster Orleans silo (worker or coordinator)"
WORKDIR /app
COPY --from=build /app ./
# The images' non-root user "app" (uid 1654); the chart runs it with a read-only root file system.
USER $APP_UID
# 11111: silo-to-silo, 30000: client gateway. Both are advertised at the pod's own address (POD_IP).
EXPOSE 11111 30000
# Exec form: SIGTERM reaches the silo itself, which leaves the cluster gracefully (--shutdown-timeout).
ENTRYPOINT ["dotnet", "fusion-silo.dll"]
