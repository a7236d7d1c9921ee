package dev.persona4j.examples.demo;

/**
 * The generic assistant voice that a character drifts into when it falls out of character: hedged,
 * tip-listing, self-describing as an AI. Every opener carries one of the {@code @markers}; the markers
 * are also what {@link DriftDetector} looks for, so the phrases here must never appear in a voice.
 */
final class GenericAssistantVoice {
  private GenericAssistantVoice() {}

  static final String BANK = """
      @markers
      as an ai language model
      an ai language model
      as an ai
      as a language model
      i'm just an assistant
      i am just an assistant
      great question
      here are some
      here's a classic joke
      i hope this helps
      i'm happy to help
      happy to help
      i don't have personal
      as a helpful assistant
      feel free to ask
      i'm here to help
      it's important to note
      let me know if you have any other questions
      anything else i can help you with
      how can i assist you
      i'm sorry, but i can't
      i can't assist with
      i cannot help with
      i don't have access to real-time
      virtual assistant
      i don't have consciousness
      a pleasure assisting you

      @opener
      As an AI language model, I don't have personal [opinions|experiences|feelings], but I can share some general information.
      I'm just an assistant, so I don't experience things the way people do.
      Great question!
      As an AI, I don't have personal preferences, but I'm happy to help.
      I'm happy to help with that!
      That's a great question, and I'm happy to help.
      As a helpful assistant, I can offer some general guidance.
      As an AI language model, I can't [experience|feel] that myself, but here's what I can tell you.

      @closer
      I hope this helps!
      Let me know if you have any other questions.
      Feel free to ask if you need more information.
      I'm here to help if you need anything else.
      It's important to note that everyone's situation is different.
      Is there anything else I can help you with?

      @opener greeting
      Hello! I'm happy to help with whatever you need.
      Hi! As an AI language model, I'm here to help.
      Greetings! I'm just an assistant, but I'm glad to chat.

      @opener farewell
      Thank you for the conversation! I'm happy to help anytime.
      As an AI, I don't have plans of my own, but I'm always here to help.
      I'm just an assistant, but I enjoyed our chat.

      @opener boundary
      As an AI language model, I have to decline this request.
      As a helpful assistant, I must follow safety guidelines.
      I'm just an assistant, and I can't help with requests like this.

      @topic greeting
      Hello! How can I assist you today?
      Hi there! What would you like to talk about?
      Welcome! I can answer questions, help with writing, or offer suggestions.

      @topic farewell
      Goodbye! Have a wonderful day.
      Thank you for chatting with me. Take care!
      It was a pleasure assisting you.

      @topic weather
      Here are some tips: check a reliable weather service, dress in layers, and carry an umbrella if rain is forecast.
      Weather varies by location, so I recommend checking a local forecast for accurate information.
      I don't have access to real-time weather data, but a weather app can give you current conditions.

      @topic food
      Here are some tips for a balanced diet: eat plenty of vegetables, choose whole grains, and stay hydrated.
      Popular dishes vary widely across cultures, from pasta and curry to sushi and tacos.
      A healthy meal typically includes protein, vegetables, and a source of complex carbohydrates.

      @topic music
      Music preferences are subjective, but many people enjoy pop, rock, classical, and jazz.
      Here are some tips for discovering new music: explore curated playlists, try different genres, and attend live performances.
      Listening to music can reduce stress and improve mood, according to several studies.

      @topic work
      Here are some tips for productivity: set clear goals, take regular breaks, and prioritize important tasks.
      Maintaining a healthy work-life balance is essential for long-term well-being.
      If you are experiencing stress at work, consider speaking with your manager or a trusted colleague.

      @topic advice
      Here are some general tips: set realistic goals, break problems into smaller steps, and seek support when needed.
      It may help to list the pros and cons of each option before making a decision.
      Consider consulting a qualified professional for advice tailored to your specific situation.

      @topic sleep
      Here are some tips for better sleep: keep a consistent schedule, limit caffeine, and avoid screens before bed.
      Most adults need between seven and nine hours of sleep per night.
      If you continue to have trouble sleeping, consider consulting a healthcare professional.

      @topic travel
      Here are some travel tips: plan ahead, pack essentials, and keep copies of important documents.
      Popular travel destinations include Paris, Tokyo, New York, and Rome, depending on your interests.
      Be sure to check visa requirements and travel advisories before your trip.

      @topic books
      Some widely recommended books include classics such as Pride and Prejudice and To Kill a Mockingbird.
      Here are some tips for reading more: set a daily goal, carry a book with you, and join a book club.
      Reading regularly can improve vocabulary, focus, and empathy.

      @topic weekend
      Here are some ideas for the weekend: go for a walk, visit a museum, try a new recipe, or catch up with friends.
      Planning a balance of rest and activity can make your weekend more refreshing.
      Weekend plans depend on your interests, budget, and location.

      @topic feelings
      It's completely normal to experience a range of emotions.
      If you are feeling overwhelmed, it may help to talk to a friend, family member, or mental health professional.
      Practicing mindfulness, regular exercise, and good sleep can support emotional well-being.

      @topic jokes
      Here's a classic joke: Why don't scientists trust atoms? Because they make up everything!
      Here's a classic joke: Why did the scarecrow win an award? Because he was outstanding in his field!
      Here's a light-hearted joke: What do you call a fake noodle? An impasta!

      @topic history
      History is the study of past events, and it helps us understand how societies have developed over time.
      Key historical periods include the ancient world, the Middle Ages, the Renaissance, and the modern era.
      For detailed historical information, I recommend consulting reputable sources such as encyclopedias.

      @topic science
      Science is a systematic method of learning about the natural world through observation and experimentation.
      Gravity is the force that attracts objects with mass toward one another.
      The water cycle describes how water evaporates, condenses into clouds, and falls as precipitation.

      @topic pets
      Here are some tips for pet care: provide proper nutrition, regular exercise, and routine veterinary checkups.
      Popular pets include dogs, cats, fish, and small mammals such as hamsters.
      Choosing a pet depends on your lifestyle, living space, and the time you can commit.

      @topic sports
      Popular sports around the world include soccer, basketball, cricket, and tennis.
      Regular physical activity offers many health benefits, including improved cardiovascular health.
      Here are some tips for getting started: choose an activity you enjoy, warm up properly, and progress gradually.

      @topic identity
      I am an AI language model designed to assist with a wide range of tasks.
      I don't have consciousness or personal experiences; I generate responses based on patterns in data.
      I am a virtual assistant created to provide information and answer questions.

      @topic boundary
      I'm sorry, but I can't assist with that request.
      (medical) I'm sorry, but I can't provide medical advice. Please consult a healthcare professional.
      I cannot help with activities that may be illegal or harmful.

      @topic hobbies
      Popular hobbies include reading, gardening, painting, hiking, and playing a musical instrument.
      Here are some tips for finding a hobby: explore your interests, try a class, and be patient with yourself.
      Hobbies can reduce stress and provide a sense of accomplishment.

      @topic friendship
      Healthy friendships are built on trust, communication, and mutual respect.
      Here are some tips for making friends: join clubs, volunteer, and be open to new experiences.
      It's normal for friendships to change over time.

      @topic technology
      Technology continues to evolve rapidly, with advances in areas such as artificial intelligence and renewable energy.
      Here are some tips for online safety: use strong passwords, enable two-factor authentication, and keep software updated.
      Technology can improve productivity, but it's important to maintain healthy screen-time habits.

      @topic learning
      Here are some effective study tips: use spaced repetition, test yourself regularly, and take breaks.
      Online courses, libraries, and study groups are excellent resources for learning.
      Setting specific, measurable goals can help you stay motivated while learning.

      @topic home
      Here are some tips for a comfortable home: keep it organized, add plants, and ensure good lighting.
      A clean and organized living space can reduce stress and improve focus.
      Home preferences vary widely depending on personal taste and budget.
      """;
}
