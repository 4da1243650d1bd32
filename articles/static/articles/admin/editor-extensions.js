/* The article body's own editor extensions, loaded by django-prose-editor (settings.DJANGO_PROSE_EDITOR_EXTENSIONS).
 *
 * - Callout: a boxed block, "When to call your doctor" or "Key points", stored as
 *   <aside class="callout callout-warning|callout-key-points">; articles/content/html.py allows exactly that.
 * - Table: the library's, whose "insert table" dialog starts with the header row on (health pages'
 *   tables have one; a header row is what screen readers announce).
 */
import {
  Node,
  Plugin,
  Table as BaseTable,
  gettext,
  isNodeSelection,
  mergeAttributes,
  pm,
  updateAttrsDialog,
} from "django-prose-editor/editor";

const KINDS = {
  warning: "When to call your doctor",
  "key-points": "Key points",
};

export const Callout = Node.create({
  name: "callout",
  group: "block",
  content: "block+",
  defining: true,

  addAttributes() {
    return {
      kind: {
        default: "key-points",
        parseHTML: (element) => (element.classList.contains("callout-warning") ? "warning" : "key-points"),
        renderHTML: (attributes) => ({ class: `callout callout-${attributes.kind in KINDS ? attributes.kind : "key-points"}` }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "aside.callout" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["aside", mergeAttributes(HTMLAttributes), 0];
  },

  addCommands() {
    return {
      insertCallout:
        (kind) =>
        ({ editor, chain }) => {
          if (editor.isActive("callout")) return chain().lift("callout").run();
          if (!editor.state.selection.empty) return chain().wrapIn("callout", { kind }).run();
          return chain()
            .insertContent({
              type: "callout",
              attrs: { kind },
              content: [
                { type: "heading", attrs: { level: 3 }, content: [{ type: "text", text: KINDS[kind] }] },
                { type: "paragraph" },
              ],
            })
            .run();
        },
    };
  },

  addMenuItems({ menu, buttons }) {
    for (const [kind, title] of Object.entries(KINDS)) {
      menu.defineItem({
        name: `callout-${kind}`,
        groups: "nodes",
        button: buttons.text(kind === "warning" ? "⚠ Call doctor" : "★ Key points", `Callout: ${title}`),
        command(editor) {
          editor.chain().focus().insertCallout(kind).run();
        },
        active: (editor) => editor.isActive("callout", { kind }),
      });
    }
  },
});

const tableDialog = updateAttrsDialog(
  {
    rows: { type: "number", title: gettext("Rows"), format: "number", default: "3", min: "1", max: "100" },
    cols: { type: "number", title: gettext("Columns"), format: "number", default: "3", min: "1", max: "100" },
    withHeaderRow: { title: gettext("Include header row"), enum: ["Yes", "No"], default: "Yes" },
  },
  { title: gettext("Table Properties"), submitText: gettext("Insert table") },
);

export const Table = BaseTable.extend({
  addCommands() {
    return {
      ...this.parent?.(),
      insertTableWithOptions:
        () =>
        ({ editor }) => {
          tableDialog(editor, { rows: "3", cols: "3", withHeaderRow: "Yes" }).then((answer) => {
            if (!answer) return;
            editor
              .chain()
              .focus()
              .insertTable({
                rows: Number.parseInt(answer.rows, 10) || 3,
                cols: Number.parseInt(answer.cols, 10) || 3,
                withHeaderRow: answer.withHeaderRow === "Yes",
              })
              .run();
          });
        },
    };
  },
});

/* Where the writer goes on after a figure: the caret at the start of the paragraph that follows the
 * figure at ``position``, an empty one made there if none does. A figure left selected would be
 * replaced by the next key (ProseMirror types over a selected node), so nothing that puts a figure in
 * or types at one leaves it selected. */
function caretAfterFigure(tr, position) {
  const after = position + tr.doc.nodeAt(position).nodeSize;
  const next = tr.doc.resolve(after).nodeAfter;
  const paragraph = tr.doc.type.schema.nodes.paragraph;
  if (!next || next.type !== paragraph) tr.insert(after, paragraph.create());
  return tr.setSelection(pm.state.TextSelection.create(tr.doc, after + 1)).scrollIntoView();
}

/* LibraryFigure: a media library image in the body, stored as a reference,
 * <figure data-image="42"><figcaption>this article's caption</figcaption></figure>; the page shows
 * the library's picture, alt text and credit (articles/media/rendering.py). Inserted with the picker
 * under the editor (articles/media/static/media/admin/image-picker.js). */
export const LibraryFigure = Node.create({
  name: "libraryFigure",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      image: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image"),
        renderHTML: (attributes) => ({ "data-image": attributes.image }),
      },
      caption: {
        default: "",
        parseHTML: (element) => element.querySelector("figcaption")?.textContent.trim() || "",
        renderHTML: () => ({}),
      },
      title: { default: "", rendered: false },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-image]" }];
  },

  renderHTML({ node, HTMLAttributes }) {
    const attrs = mergeAttributes(HTMLAttributes);
    return node.attrs.caption ? ["figure", attrs, ["figcaption", {}, node.attrs.caption]] : ["figure", attrs];
  },

  // The figure as the writer sees it: the library's thumbnail and this article's caption, in a
  // field of its own so a caption can be corrected after the figure is in (an empty field shows
  // the library's caption on the page). Typing there changes the node at once, so autosave,
  // "unsaved changes" and undo see it like any other edit. What is typed between entering the field
  // and leaving it is one undo step: each keystroke's change carries the time of the first
  // (ProseMirror's history joins changes of one place made within its group delay of each other),
  // and undo/redo keys in the field are the editor's, not the browser's own for the field, which
  // would take back one character at a time (the editor writes the body's textarea after each change,
  // and that ends the browser's typing group).
  addNodeView() {
    return ({ node, getPos, editor }) => {
      let current = node;
      let typingSince = null; // when this visit to the field first changed the caption
      const dom = document.createElement("figure");
      dom.className = "library-figure";
      dom.contentEditable = "false";
      const bar = document.getElementById("editor-bar");
      const img = document.createElement("img");
      img.alt = "";
      img.width = 160;
      img.height = 160;
      if (bar && bar.dataset.imageThumbnailUrl) img.src = bar.dataset.imageThumbnailUrl.replace("/0/", `/${node.attrs.image}/`);
      const caption = document.createElement("figcaption");
      const label = document.createElement("label");
      label.textContent = `Library image ${node.attrs.image}${node.attrs.title ? ` (${node.attrs.title})` : ""}, caption in this article: `;
      const field = document.createElement("input");
      field.type = "text";
      field.className = "library-figure-caption";
      field.maxLength = 300;
      field.size = 50;
      field.placeholder = "The library's caption if left empty";
      field.value = node.attrs.caption;
      field.disabled = !editor.isEditable;
      field.addEventListener("focus", () => {
        typingSince = null;
      });
      field.addEventListener("input", () => {
        const position = typeof getPos === "function" ? getPos() : null;
        const text = field.value.trim();
        if (typeof position !== "number" || text === current.attrs.caption) return;
        const tr = editor.view.state.tr.setNodeMarkup(position, undefined, { ...current.attrs, caption: text });
        if (typingSince === null) {
          typingSince = tr.time;
          pm.history.closeHistory(tr); // a new step, apart from whatever was typed in the body before
        }
        editor.view.dispatch(tr.setTime(typingSince));
      });
      const undoOrRedo = (which) => {
        typingSince = null; // typing after an undo is a step of its own
        editor.commands[which]();
      };
      field.addEventListener("keydown", (event) => {
        if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
        const key = event.key.toLowerCase();
        if (key === "z" || key === "y") {
          event.preventDefault();
          undoOrRedo(key === "y" || event.shiftKey ? "redo" : "undo");
        }
      });
      field.addEventListener("beforeinput", (event) => {
        // the browser's own undo (its menu, a shortcut the keydown above did not see)
        if (event.inputType !== "historyUndo" && event.inputType !== "historyRedo") return;
        event.preventDefault();
        undoOrRedo(event.inputType === "historyUndo" ? "undo" : "redo");
      });
      label.append(field);
      caption.append(label);
      dom.append(img, caption);
      return {
        dom,
        update(updated) {
          if (updated.type !== current.type || updated.attrs.image !== current.attrs.image) return false;
          current = updated;
          // The field keeps what is being typed (a trailing space the node does not store) unless
          // the caption was changed from outside it: an undo, a redo, a recovered draft.
          if (field.value.trim() !== updated.attrs.caption) field.value = updated.attrs.caption;
          return true;
        },
        stopEvent: (event) => event.target === field, // the field's keys and clicks are the field's, not the editor's
        ignoreMutation: () => true,
      };
    };
  },

  // A printable key on a selected figure (clicked, or reached with the arrow keys) starts a paragraph
  // after it rather than replacing it; Delete and Backspace still remove it.
  addProseMirrorPlugins() {
    const type = this.type;
    return [
      new Plugin({
        props: {
          handleTextInput(view, from, to, text) {
            const { selection } = view.state;
            if (!isNodeSelection(selection) || selection.node.type !== type) return false;
            view.dispatch(caretAfterFigure(view.state.tr, selection.from).insertText(text));
            return true;
          },
        },
      }),
    ];
  },

  addCommands() {
    return {
      // The figure goes where the caret is (in place of an empty paragraph, splitting a paragraph
      // in two); a selected figure stays and the new one goes after it. The caret then waits in
      // the paragraph after the new figure, so the writer types on and the next figure follows it.
      insertLibraryFigure:
        (attrs) =>
        ({ tr, commands, dispatch }) => {
          const figure = this.type.create(attrs);
          const { selection } = tr;
          const at = isNodeSelection(selection) ? selection.to : { from: selection.from, to: selection.to };
          if (!commands.insertContentAt(at, figure)) return false;
          if (!dispatch) return true;
          let position = null;
          tr.doc.descendants((child, pos) => {
            if (child === figure) position = pos;
            return position === null;
          });
          if (position !== null) caretAfterFigure(tr, position);
          return true;
        },
    };
  },
});
