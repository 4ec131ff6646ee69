{{/*
One pool of fusion-silo pods: dict "root" $ "pool" "worker" "role" "worker" "values" .Values.worker

Every silo listens on all interfaces and advertises its own pod IP (POD_IP from the downward API):
silos talk to each other on silo.siloPort and clients reach gateways on silo.gatewayPort, pod IP to
pod IP. No Service fronts them, and none may be advertised. Membership lives in Redis.
*/}}
{{- define "fusioncluster.siloDeployment" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- $silo := $root.Values.silo }}
{{- $fullname := include "fusioncluster.fullname" $root }}
{{- $componentArgs := dict "root" $root "component" .pool }}
{{- $processorCount := include "fusioncluster.processorCount" (dict "processorCount" $v.processorCount "resources" $v.resources) }}
{{- $podLabels := merge (dict) (default dict $v.podLabels) (default dict $root.Values.podLabels) }}
{{- $podAnnotations := merge (dict) (default dict $v.podAnnotations) (default dict $root.Values.podAnnotations) }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}-{{ .pool }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "fusioncluster.componentLabels" $componentArgs | nindent 4 }}
spec:
  replicas: {{ $v.replicas }}
  revisionHistoryLimit: 5
  minReadySeconds: {{ $v.minReadySeconds }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {{ $v.strategy.maxSurge }}
      maxUnavailable: {{ $v.strategy.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "fusioncluster.componentSelectorLabels" $componentArgs | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "fusioncluster.componentSelectorLabels" $componentArgs | nindent 8 }}
        app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
        app.kubernetes.io/part-of: fusioncluster
        orleans/serviceId: {{ include "fusioncluster.serviceId" $root | quote }}
        fusioncluster.io/silo: "true"
        orleans/clusterId: {{ include "fusioncluster.clusterId" $root | quote }}
        {{- with $podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        checksum/redis-secret: {{ include (print $root.Template.BasePath "/redis-secret.yaml") $root | sha256sum }}
        {{- if and $silo.metrics.enabled $silo.metrics.scrapeAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $silo.metrics.port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "fusioncluster.serviceAccountName" $root }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      terminationGracePeriodSeconds: {{ include "fusioncluster.siloGracePeriod" (dict "root" $root "values" $v "pool" .pool) }}
      {{- with $v.runtimeClassName }}
      runtimeClassName: {{ . }}
      {{- end }}
      {{- with (default $root.Values.podSecurityContext $v.podSecurityContext) }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if and $root.Values.redis.enabled $silo.waitForRedis }}
      initContainers:
        # Waits for the in-chart Redis to accept connections (bash's /dev/tcp; no client needed).
        - name: wait-for-redis
          image: {{ include "fusioncluster.image" (dict "root" $root "image" $silo.image) }}
          imagePullPolicy: {{ $silo.image.pullPolicy }}
          command:
            - bash
            - -c
            - |
              until (exec 3<>"/dev/tcp/${REDIS_HOST}/${REDIS_PORT}") 2>/dev/null; do
                echo "waiting for Redis at ${REDIS_HOST}:${REDIS_PORT}"
                sleep 2
              done
          env:
            - name: REDIS_HOST
              value: {{ include "fusioncluster.redisHost" $root | quote }}
            - name: REDIS_PORT
              value: {{ $root.Values.redis.port | quote }}
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
            limits:
              memory: 64Mi
          {{- with $root.Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      {{- end }}
      containers:
        - name: silo
          image: {{ include "fusioncluster.image" (dict "root" $root "image" $silo.image) }}
          imagePullPolicy: {{ $silo.image.pullPolicy }}
          args:
            - --silo-port
            - {{ $silo.siloPort | quote }}
            - --gateway-port
            - {{ $silo.gatewayPort | quote }}
            - --shutdown-timeout
            - {{ $silo.shutdownTimeoutSeconds | quote }}
            - --health-port
            - {{ $silo.healthPort | quote }}
            {{- if $silo.metrics.enabled }}
            - --metrics-port
            - {{ $silo.metrics.port | quote }}
            {{- end }}
            {{- if $silo.jsonLogs }}
            - --json-logs
            - "true"
            {{- end }}
            {{- with (toString (default "" (dig "unitSlots" "" $v))) }}
            - --unit-slots
            - {{ . | quote }}
            {{- end }}
            {{- with (toString (default "" (dig "memory" "" $v))) }}
            - --memory
            - {{ . | quote }}
            {{- end }}
            {{- with $silo.dataRoots }}
            - --data-root
            - {{ join "," . | quote }}
            {{- end }}
            {{- range (concat (default list $silo.extraArgs) (default list $v.extraArgs)) }}
            - {{ . | quote }}
            {{- end }}
          env:
            # Downward API: the silo is named after its pod and advertises the pod's IP while
            # listening on every interface.
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: FUSION_CLUSTER_ID
              value: {{ include "fusioncluster.clusterId" $root | quote }}
            - name: FUSION_SERVICE_ID
              value: {{ include "fusioncluster.serviceId" $root | quote }}
            - name: FUSION_ROLE
              value: {{ .role | quote }}
            {{- with (toString (default "" (dig "device" "" $v))) }}
            - name: FUSION_DEVICE
              value: {{ . | quote }}
            {{- end }}
            {{- with $processorCount }}
            - name: DOTNET_PROCESSOR_COUNT
              value: {{ . | quote }}
            {{- end }}
            {{- include "fusioncluster.redisEnv" (dict "root" $root "name" "FUSION_REDIS") | trim | nindent 12 }}
            {{- with (include "fusioncluster.storageEnv" (dict "root" $root "connectionVariable" "FUSION_BLOB_CONNECTION")) }}
            {{- . | trim | nindent 12 }}
            {{- end }}
            {{- with (concat (default list $silo.extraEnv) (default list $v.extraEnv)) }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          ports:
            - name: silo
              containerPort: {{ $silo.siloPort }}
              protocol: TCP
            - name: gateway
              containerPort: {{ $silo.gatewayPort }}
              protocol: TCP
            - name: health
              containerPort: {{ $silo.healthPort }}
              protocol: TCP
            {{- if $silo.metrics.enabled }}
            - name: metrics
              containerPort: {{ $silo.metrics.port }}
              protocol: TCP
            {{- end }}
          {{- with $silo.startupProbe }}
          startupProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $silo.livenessProbe }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $silo.readinessProbe }}
          readinessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            {{- include "fusioncluster.siloResources" (dict "resources" $v.resources "gpu" (dig "gpu" dict $v)) | trim | nindent 12 }}
          {{- with (default $root.Values.securityContext $v.securityContext) }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with $silo.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- with $silo.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- include "fusioncluster.nodeSelector" (dict "root" $root "nodeSelector" $v.nodeSelector) | nindent 6 }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- /* GPU pools tolerate the usual GPU taints (gpu.tolerations) besides their own tolerations. */}}
      {{- $tolerations := default list $v.tolerations }}
      {{- if gt (int (dig "gpu" "count" 0 $v)) 0 }}
      {{- $tolerations = concat $tolerations (default list (dig "gpu" "tolerations" list $v)) }}
      {{- end }}
      {{- with $tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/* The PodDisruptionBudget of a silo pool (minAvailable wins over maxUnavailable): dict "root" $ "pool" "worker" "values" .Values.worker */}}
{{- define "fusioncluster.siloPodDisruptionBudget" -}}
{{- $pdb := .values.podDisruptionBudget }}
{{- $componentArgs := dict "root" .root "component" .pool }}
{{- $hasMin := not (eq (toString (default "" $pdb.minAvailable)) "") }}
{{- $hasMax := not (eq (toString (default "" $pdb.maxUnavailable)) "") }}
{{- if not (or $hasMin $hasMax) }}
{{- fail (printf "%s.podDisruptionBudget: set minAvailable or maxUnavailable" .pool) }}
{{- end }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "fusioncluster.fullname" .root }}-{{ .pool }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "fusioncluster.componentLabels" $componentArgs | nindent 4 }}
spec:
  {{- if $hasMin }}
  minAvailable: {{ $pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "fusioncluster.componentSelectorLabels" $componentArgs | nindent 6 }}
{{- end }}
