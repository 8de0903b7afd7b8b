import { PageTitle } from "@mizan/react";
import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { ChatHistoryProvider, useChatChannel, useChatHistory, useCurrentUser, type ChatMessage } from "./mizan.gen";

/**
 * Chat rooms: the room's history is a local context (server-rendered), new messages arrive
 * over the `chat` channel. Only logged-in users may join.
 */
export function ChatPage({ hydrated, room }: { hydrated: boolean; room: string }) {
  const user = useCurrentUser();
  if (user === null) {
    return (
      <section className="card" aria-label="Chat">
        <PageTitle>Chat · Mizan example</PageTitle>
        <p data-testid="chat-login-required">
          Log in on the <Link to="/">home page</Link> to chat.
        </p>
      </section>
    );
  }
  return (
    <>
      <PageTitle>{`#${room} · Mizan example`}</PageTitle>
      <ChatHistoryProvider room={room}>
        <ChatRoom hydrated={hydrated} room={room} />
      </ChatHistoryProvider>
    </>
  );
}

function ChatRoom({ hydrated, room }: { hydrated: boolean; room: string }) {
  const history = useChatHistory();
  const channel = useChatChannel({ room });
  const [text, setText] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (text.trim() === "") return;
    if (channel.send({ text })) setText("");
  };

  const messages: ChatMessage[] = [...(history.data ?? []), ...channel.messages];
  return (
    <section className="card" aria-label={`Room ${room}`}>
      <h2>#{room}</h2>
      <p className="muted" data-testid="chat-status">
        {channel.status}
      </p>
      <ol className="chat" data-testid="chat-messages">
        {messages.map((message, index) => (
          <li key={`${message.at}-${index}`} data-testid="chat-message">
            <strong>{message.user}</strong>: <span>{message.text}</span>
          </li>
        ))}
      </ol>
      <form className="row" onSubmit={onSubmit}>
        <input
          aria-label="Message"
          data-testid="chat-input"
          value={text}
          maxLength={500}
          onChange={(event) => setText(event.target.value)}
          autoComplete="off"
        />
        <button type="submit" data-testid="chat-send" disabled={!hydrated || channel.status !== "subscribed"}>
          Send
        </button>
      </form>
      {channel.error !== undefined && (
        <p className="error" role="alert" data-testid="chat-error">
          {channel.error.fields?.["text"]?.[0] ?? channel.error.message}
        </p>
      )}
    </section>
  );
}
