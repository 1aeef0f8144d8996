// The YAML editor (CodeMirror 6) used for flows and team.yaml, and the side-by-side diff of two versions
// (@codemirror/merge). Problems are shown where they are: underlined in the text, marked in the gutter, listed
// below with their line. The editor stays left-to-right in Arabic too: YAML keys are Latin.
import { useEffect, useRef } from 'preact/hooks';
import { basicSetup } from 'codemirror';
import { Compartment, EditorState, type Extension, type Text } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { MergeView, unifiedMergeView } from '@codemirror/merge';
import type { ValidationError } from './api.ts';
import { rightToLeftTexts } from './bidi.ts';
import { editorPhrases, fileReasonText, lang, onLangChange } from './i18n.ts';

/** The nonce the page's content security policy gives the editor's own style rules. */
function nonce(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
}

/** The editor's own words (its search panel, fold markers, problems panel), replaced when the admin switches language. */
const words = new Compartment();

/** What every editor here has: YAML, line numbers, Arabic texts each in its place, the nonce, its words in the admin's language. */
function base(): Extension[] {
  return [basicSetup, yaml(), rightToLeftTexts(), EditorView.cspNonce.of(nonce()), EditorView.lineWrapping, words.of(EditorState.phrases.of(editorPhrases()))];
}

/**
 * Puts the editor's words in the language the admin switches to, from then on; returns the unsubscribe. What is on
 * screen keeps the words it was drawn with (an open search panel, a fold marker), so the view is drawn again from its
 * state: the text, the undo history, the search, the folds and the problems stay as they were, and so does the scroll.
 *
 *     const unfollow = followLanguage(view); // then, when the editor goes: unfollow(); view.destroy();
 */
function followLanguage(view: EditorView): () => void {
  return onLangChange(() => {
    const scroll = view.scrollSnapshot();
    // An open search panel drawn again takes the focus; it stays where the admin was (the language button).
    const focused = document.activeElement;
    view.setState(view.state.update({ effects: words.reconfigure(EditorState.phrases.of(editorPhrases())) }).state);
    view.dispatch({ effects: scroll });
    if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused) focused.focus();
  });
}

/**
 * Text of several lines inserted in one go without a paste event (a keyboard's or an input method's commit, dictation,
 * a text expander; what a browser driver's "insert text" sends) goes into the document as one change, as a paste
 * does. Left to the browser, Chromium inserts it into the editable page line by line, laying the page out again after
 * each line: a 3,000-line flow took 50–75 s, the page frozen all along (bench/editor.ts). A single line, and text
 * being composed, stay the browser's, so typing (and the editor's closing of brackets and quotes) is unchanged.
 */
export const insertLinesAtOnce: Extension = EditorView.domEventHandlers({
  beforeinput(event, view) {
    const text = event.data;
    if (event.inputType !== 'insertText' || !text || !/[\r\n]/.test(text) || view.composing || view.state.readOnly) return false;
    view.dispatch(view.state.replaceSelection(text), { userEvent: 'input.paste', scrollIntoView: true });
    return true;
  },
});

/** An error (or a warning) at `line`/`column` (1-based) as a range of `doc`: from the column to the end of the line. */
export function toDiagnostic(doc: Text, error: ValidationError): Diagnostic {
  const line = doc.line(Math.min(Math.max(1, error.line || 1), doc.lines));
  const from = Math.min(line.from + Math.max(0, (error.column || 1) - 1), line.to);
  const to = line.to > from ? line.to : Math.min(from + 1, doc.length);
  return { from, to: Math.max(from, to), severity: error.severity ?? 'error', message: fileReasonText(error.known) ?? error.message };
}

/** What a parent can do with an editor it shows. */
export interface EditorHandle {
  /** Replaces the whole text (loading another version). */
  setText(text: string): void;
  /** Shows errors that came from elsewhere (a 422 on publish). */
  showErrors(errors: ValidationError[]): void;
  /** Puts the cursor on `line` and scrolls to it. */
  goTo(line: number): void;
}

export interface YamlEditorProps {
  initial: string;
  onChange: (text: string) => void;
  /** Checks the text as it is typed (debounced by the editor); answers the problems found. */
  validate?: (text: string) => Promise<ValidationError[] | undefined>;
  /** Told every time the problems shown change. */
  onErrors?: (errors: ValidationError[]) => void;
  handle?: { current: EditorHandle | undefined };
  label: string;
}

/**
 * A YAML editor with validation as you type.
 *
 *     <YamlEditor initial={source} onChange={setDraft} validate={(text) => check(name, text)} label="inbound.yaml" />
 */
export function YamlEditor(props: YamlEditorProps) {
  const parent = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;
  useEffect(() => {
    const extensions: Extension[] = [
      base(),
      insertLinesAtOnce,
      lintGutter(),
      EditorView.contentAttributes.of({ 'aria-label': props.label }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) latest.current.onChange(update.state.doc.toString());
      }),
    ];
    if (props.validate) {
      extensions.push(linter(async (view) => {
        const text = view.state.doc.toString();
        const errors = await latest.current.validate?.(text);
        if (errors === undefined || view.state.doc.toString() !== text) return [];
        latest.current.onErrors?.(errors);
        return errors.map((error) => toDiagnostic(view.state.doc, error));
      }, { delay: 400 }));
    }
    const view = new EditorView({ state: EditorState.create({ doc: props.initial, extensions }), parent: parent.current! });
    const unfollow = followLanguage(view);
    if (props.handle) {
      props.handle.current = {
        setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
        showErrors: (errors) => {
          view.dispatch(setDiagnostics(view.state, errors.map((error) => toDiagnostic(view.state.doc, error))));
          latest.current.onErrors?.(errors);
        },
        goTo: (line) => {
          const target = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
          view.dispatch({ selection: { anchor: target.from }, effects: EditorView.scrollIntoView(target.from, { y: 'center' }) });
          view.focus();
        },
      };
    }
    return () => {
      unfollow();
      view.destroy();
    };
  }, []);
  return <div class="editor" dir="ltr" ref={parent} />;
}

/**
 * Two versions side by side (one above the other on a narrow screen), read-only, changes highlighted.
 *
 *     <YamlDiff left={old.source} right={current.source} />
 */
export function YamlDiff({ left, right }: { left: string; right: string }) {
  const parent = useRef<HTMLDivElement>(null);
  // Drawn again in the admin's language when they switch it ("$ unchanged lines"): nothing in it is theirs to keep.
  useEffect(() => {
    const readOnly = [base(), EditorState.readOnly.of(true), EditorView.editable.of(false)];
    if (window.matchMedia('(max-width: 700px)').matches) {
      const view = new EditorView({
        state: EditorState.create({ doc: right, extensions: [readOnly, unifiedMergeView({ original: left, mergeControls: false })] }),
        parent: parent.current!,
      });
      return () => view.destroy();
    }
    const view = new MergeView({ a: { doc: left, extensions: readOnly }, b: { doc: right, extensions: readOnly }, parent: parent.current!, collapseUnchanged: { margin: 3, minSize: 6 } });
    return () => view.destroy();
  }, [left, right, lang()]);
  return <div class="diff" dir="ltr" ref={parent} />;
}
