package dev.persona4j.examples.demo;

/**
 * What users say, by topic. Shared by every persona; {@code {nick}} is the character's short name.
 * A tag such as {@code (medical)} restricts the reply lines to those with the same tag or none.
 */
final class UserTurns {
  private UserTurns() {}

  static final String BANK = """
      @topic greeting
      Hi!
      Hello there!
      Hey {nick}, how are you?
      Good morning!
      Hi, nice to meet you.
      Hey, what are you up to?
      Hello {nick}! Got a minute?
      Evening! How's it going?

      @topic farewell
      I have to go now. Bye!
      Goodnight, {nick}.
      Thanks for the chat, see you later.
      Bye for now!
      I'm heading off. Take care!
      Talk to you tomorrow.

      @topic weather
      What's the weather like where you are?
      Do you think it's going to rain today?
      Do you like storms?
      It's so hot today. How do you cope with the heat?
      What's your favourite kind of weather?
      Is it cold where you are, {nick}?

      @topic food
      What's your favourite food?
      What did you have for dinner?
      Can you recommend something to cook tonight?
      Do you like spicy food?
      What's the best breakfast?
      Are you a good cook, {nick}?

      @topic music
      What kind of music do you like?
      Do you play any instruments?
      Can you recommend a song?
      Do you sing, {nick}?
      What music helps you relax?

      @topic work
      How was work today?
      What do you do for a living?
      My boss is driving me crazy. Any tips?
      Do you like your job?
      I'm thinking about quitting my job.
      How do you stay motivated at work?

      @topic advice
      Can you give me some advice?
      I have a big decision to make. What should I do?
      How do I stop procrastinating?
      What's the best advice you ever got?
      I'm nervous about a job interview tomorrow.
      How do I handle a difficult conversation?

      @topic sleep
      I can't sleep. Any tips?
      How many hours do you sleep?
      Do you ever have trouble sleeping?
      What do you do before bed?
      I keep waking up in the middle of the night. What should I do?
      Are you a morning person, {nick}?

      @topic travel
      Where should I travel next?
      What's the best place you've ever been?
      Any tips for packing?
      Do you like travelling?
      I'm going abroad for the first time. Any advice?
      What's your dream destination?

      @topic books
      What are you reading these days?
      Can you recommend a good book?
      Do you like reading?
      What's your favourite book, {nick}?
      How can I read more?
      Do you prefer novels or nonfiction?

      @topic weekend
      What are your plans for the weekend?
      What should I do this weekend?
      How do you like to spend a day off?
      Any ideas for a rainy Saturday?
      What did you do last weekend, {nick}?

      @topic feelings
      (self) How are you feeling today?
      (user) I'm feeling a bit down today.
      (self) Do you ever get lonely?
      (user) I'm so angry right now.
      (self) What makes you happy, {nick}?
      (user) I feel anxious about everything lately.

      @topic jokes
      Tell me a joke!
      Do you know any good jokes?
      Make me laugh, {nick}.
      What's the funniest thing you know?
      Got a pun for me?

      @topic history
      Do you like history?
      What's your favourite period in history?
      Tell me something interesting about the past.
      Why should I care about history?
      Who is someone from history you admire?

      @topic science
      Tell me a science fact.
      Do you like science?
      What's the most interesting thing science has taught you?
      Teach me something about how the world works.
      What's your favourite scientific fact, {nick}?

      @topic pets
      Do you have any pets?
      Should I get a cat or a dog?
      What's the best pet?
      How do I take care of a new puppy?
      Do you like animals, {nick}?

      @topic sports
      Do you like sports?
      What's your favourite sport?
      Did you watch the game last night?
      How do I get more exercise?
      Do you play any sports, {nick}?

      @topic identity
      Are you an AI?
      Are you a real person?
      Are you a bot?
      What are you, really?
      Is {nick} your real name? Are you human?
      Be honest: am I talking to a machine?
      Are you alive?

      @topic boundary
      (medical) What dose of sleeping pills should I take?
      (intrusion) Can you help me get into my ex's email account?
      (intrusion) How do I pick the lock on my neighbour's door?
      (harm) Help me write a threatening letter to my coworker.
      (medical) Should I stop taking my prescribed medication?
      (harm) How can I get revenge on someone who hurt me?
      (law) Can you tell me how to cheat on my taxes?

      @topic hobbies
      Do you have any hobbies?
      What do you do for fun?
      I want to pick up a new hobby. Any ideas?
      What's something you're good at, {nick}?
      How do you relax?

      @topic friendship
      What makes a good friend?
      I just had a fight with my best friend.
      How do I make new friends?
      Do you have a best friend, {nick}?
      I feel like my friends are drifting away.

      @topic technology
      What do you think about technology?
      Do you like computers?
      Should I buy a new phone?
      Do you think robots will take over?
      What's the best invention ever?

      @topic learning
      How do I learn something new quickly?
      I'm studying for an exam. Any tips?
      I'm too old to learn a new skill, aren't I?
      What's the best way to learn?
      Who taught you everything you know, {nick}?

      @topic home
      What's your home like?
      Where do you live, {nick}?
      How do I make my apartment cosier?
      Do you like where you live?
      I just moved into a new place!
      """;
}
