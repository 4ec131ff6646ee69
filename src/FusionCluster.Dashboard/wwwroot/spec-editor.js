// The spec editor: Monaco (the copy shipped as static files in the BlazorMonaco NuGet package, so nothing is
// fetched from a CDN) mounted over the component's textarea, which stays the fallback when the script fails.
// Validation and completion run in .NET (SpecCheck, SpecCompletions); this file only draws what they say.
const base = new URL('_content/BlazorMonaco/lib/monaco-editor/min/', document.baseURI).href;
const editors = new Map(); // textarea id -> { editor, dotnet, decorations, applying }
let loading = null;
let completionRegistered = false;

function loadMonaco() {
    if (window.monaco) {
        return Promise.resolve(window.monaco);
    }
    if (!loading) {
        loading = new Promise((resolve, reject) => {
            // Workers from the same static files; a data: URL lets the AMD worker find its base.
            window.MonacoEnvironment = {
                getWorkerUrl: () => 'data:text/javascript;charset=utf-8,' + encodeURIComponent(
                    `self.MonacoEnvironment={baseUrl:'${base}'};importScripts('${base}vs/base/worker/workerMain.js');`)
            };
            const script = document.createElement('script');
            script.src = base + 'vs/loader.js';
            script.onload = () => {
                window.require.config({ paths: { vs: base + 'vs' } });
                window.require(['vs/editor/editor.main'], () => resolve(window.monaco), reject);
            };
            script.onerror = () => reject(new Error('the Monaco loader did not load from ' + script.src));
            document.head.appendChild(script);
        });
    }
    return loading;
}

function isDark() {
    if (document.querySelector('.theme-dark')) {
        return true;
    }
    const rgb = getComputedStyle(document.body).backgroundColor.match(/\d+/g);
    if (!rgb) {
        return false;
    }
    const [r, g, b] = rgb.map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) < 128;
}

function registerCompletion(monaco) {
    if (completionRegistered) {
        return;
    }
    completionRegistered = true;
    const kinds = {
        method: monaco.languages.CompletionItemKind.Enum,
        parameter: monaco.languages.CompletionItemKind.Property,
        key: monaco.languages.CompletionItemKind.Keyword,
    };
    monaco.languages.registerCompletionItemProvider('yaml', {
        triggerCharacters: [' '],
        provideCompletionItems: async (model, position) => {
            const entry = [...editors.values()].find(e => e.editor.getModel() === model);
            if (!entry) {
                return { suggestions: [] };
            }
            const items = await entry.dotnet.invokeMethodAsync('Complete', model.getValue(), position.lineNumber, position.column);
            const word = model.getWordUntilPosition(position);
            const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
            return {
                suggestions: items.map(i => ({
                    label: i.label,
                    kind: kinds[i.kind] ?? monaco.languages.CompletionItemKind.Text,
                    insertText: i.label,
                    detail: i.detail,
                    range,
                })),
            };
        },
    });
}

export async function mount(host, textarea, dotnet, label) {
    const monaco = await loadMonaco();
    registerCompletion(monaco);
    const editor = monaco.editor.create(host, {
        value: textarea.value,
        language: 'yaml',
        theme: isDark() ? 'vs-dark' : 'vs',
        automaticLayout: true,
        minimap: { enabled: false },
        lineNumbers: 'on',
        glyphMargin: true,
        scrollBeyondLastLine: false,
        fontSize: 13,
        tabSize: 2,
        insertSpaces: true,
        ariaLabel: label,
        wordBasedSuggestions: false,
    });
    const entry = { editor, dotnet, decorations: [], applying: false };
    editors.set(textarea.id, entry);
    editor.onDidChangeModelContent(() => {
        const text = editor.getValue();
        textarea.value = text;
        if (!entry.applying) {
            dotnet.invokeMethodAsync('TextChanged', text);
        }
    });
    host.closest('.spec-code-editor')?.classList.add('monaco-ready');
}

// Replaces the text when .NET changed it (an example, a clone), without echoing it back.
export function setText(id, text) {
    const entry = editors.get(id);
    if (!entry || entry.editor.getValue() === text) {
        return;
    }
    entry.applying = true;
    try {
        entry.editor.setValue(text);
    } finally {
        entry.applying = false;
    }
}

// The validator's error at its line: a squiggle with the message on hover, the line tinted, a mark in the margin.
export function setError(id, line, message) {
    const entry = editors.get(id);
    if (!entry) {
        return;
    }
    const monaco = window.monaco;
    const model = entry.editor.getModel();
    monaco.editor.setTheme(isDark() ? 'vs-dark' : 'vs');
    const valid = line && line >= 1 && line <= model.getLineCount();
    monaco.editor.setModelMarkers(model, 'fusion-spec', valid ? [{
        startLineNumber: line,
        endLineNumber: line,
        startColumn: model.getLineFirstNonWhitespaceColumn(line) || 1,
        endColumn: model.getLineMaxColumn(line),
        message,
        severity: monaco.MarkerSeverity.Error,
    }] : []);
    entry.decorations = entry.editor.deltaDecorations(entry.decorations, valid ? [{
        range: new monaco.Range(line, 1, line, 1),
        options: { isWholeLine: true, className: 'spec-error-line', linesDecorationsClassName: 'spec-error-glyph', hoverMessage: { value: message } },
    }] : []);
}

export function unmount(id) {
    const entry = editors.get(id);
    if (entry) {
        editors.delete(id);
        entry.editor.getModel()?.dispose();
        entry.editor.dispose();
    }
}
